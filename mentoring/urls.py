from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Before allauth's own: addresses are directory entries, not added by their users.
    path("accounts/email/", views.email_addresses, name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("", include("evaluation.urls")),
    path("", include("notifications.urls")),
    path("", include("mentoring.urls_app")),
    path("", include("portal.urls")),
]
