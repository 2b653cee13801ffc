"""Django admin shows meeting facts only. Notes, logs and action items belong to the pair:
their text is not registered or not shown here, whoever is looking."""

from django.contrib import admin

from programs.admin import ReadOnlyAdminMixin

from .models import Meeting, Note, SessionLog


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "program", "match", "kind", "status", "starts_at", "duration_minutes", "month"]
    list_filter = ["status", "kind", "program"]
    list_select_related = ["program", "match"]
    fields = ["program", "match", "kind", "title", "month", "status", "starts_at", "duration_minutes", "sequence"]


@admin.register(SessionLog)
class SessionLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Whether and how long a meeting happened; what was shared or learned stays hidden."""

    list_display = ["meeting", "held", "actual_minutes", "created_at"]
    list_select_related = ["meeting"]
    fields = ["meeting", "held", "actual_minutes", "created_at"]


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Counts only: a note's text and author never show here."""

    list_display = ["pk", "match", "visibility", "created_at"]
    fields = ["match", "visibility", "created_at"]
