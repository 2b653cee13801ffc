from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("settings/notifications/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("hr/notifications/", views.outbox, name="outbox"),
]
