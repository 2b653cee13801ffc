from django.contrib import admin

from .models import Application, ApplicationTopic, CurriculumItem, Invitation, Program, ProgramTransition, Topic


class ReadOnlyAdminMixin:
    """Raw data to look at; changes go through the HR pages so services check them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "description"]


class CurriculumInline(admin.TabularInline):
    model = CurriculumItem
    extra = 0
    autocomplete_fields = ["topic"]


class TransitionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProgramTransition
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "reason", "forced"]
    readonly_fields = ["at", "from_status", "to_status", "by", "reason", "forced"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "format", "start_date", "length_months", "meeting_cadence", "open_for_applications"]
    list_filter = ["status", "format", "open_for_applications"]
    search_fields = ["name", "goal"]
    readonly_fields = ["status", "created_by", "created_at", "updated_at", "template_key"]  # status moves via the lifecycle service
    filter_horizontal = ["coordinators"]
    inlines = [CurriculumInline, TransitionInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "program", "status", "invited_by", "created_at", "responded_at"]
    list_filter = ["status", "program"]
    list_select_related = ["user", "program", "invited_by"]
    search_fields = ["user__email", "user__last_name", "program__name"]
    exclude = ["token"]  # a personal link is its owner's


class ApplicationTopicInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ApplicationTopic
    extra = 0


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: applications are written only by the applicant, decided on the HR review page."""

    list_display = ["user", "program", "role", "status", "submitted_at", "decided_by"]
    list_filter = ["status", "role", "program"]
    list_select_related = ["user", "program", "decided_by"]
    search_fields = ["user__email", "user__last_name", "program__name"]
    exclude = ["avoid_people", "generation"]  # private to the applicant and the matching engine
    inlines = [ApplicationTopicInline]
