from django.urls import path

from . import views

app_name = "mentoring_sessions"

urlpatterns = [
    path("pairs/<id:match_pk>/", views.pair_space, name="pair"),
    path("pairs/<id:match_pk>/notes/", views.note_add, name="note_add"),
    path("pairs/<id:match_pk>/actions/", views.action_add, name="action_add"),
    path("pairs/<id:match_pk>/actions/<id:item_pk>/toggle/", views.action_toggle, name="action_toggle"),
    path("meetings/<id:pk>/", views.meeting, name="meeting"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/feed/<str:token>.ics", views.feed, name="feed"),
    path("hr/programs/<id:pk>/meetings/", views.hr_meetings, name="hr_meetings"),
]
