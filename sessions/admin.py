"""Django admin shows meeting facts only. Notes, session logs and action items belong to the
pair and are not registered here at all: HR's meeting facts page has the counts and lengths."""

from django.contrib import admin

from programs.admin import ReadOnlyAdminMixin

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "program", "match", "kind", "status", "starts_at", "duration_minutes", "month"]
    list_filter = ["status", "kind", "program"]
    list_select_related = ["program", "match"]
    fields = ["program", "match", "kind", "title", "month", "status", "starts_at", "duration_minutes", "sequence"]
