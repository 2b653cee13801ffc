from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("people/", views.directory, name="directory"),
    path("people/export.csv", views.people_export, name="people_export"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/<id:pk>/", views.people_import_preview, name="people_import_preview"),
    path("settings/notifications/", views.notification_preferences, name="notification_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("hr/notifications/", views.notification_list, name="notifications"),
]
