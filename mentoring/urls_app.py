from django.urls import path

from . import views

app_name = "mentoring"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("language/", views.language, name="language"),
    path("people/", views.directory, name="directory"),
    path("people/export.csv", views.people_export, name="people_export"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/<id:pk>/", views.people_import_preview, name="people_import_preview"),
]
