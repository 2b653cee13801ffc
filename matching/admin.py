from django.contrib import admin

from programs.admin import ReadOnlyAdminMixin

from .models import Match, MatchingConfig, MatchMember, MatchRun, PairRule


@admin.register(MatchingConfig)
class MatchingConfigAdmin(admin.ModelAdmin):
    list_display = ["program", "objective", "min_level_gap", "updated_at"]


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "program",
        "created_at",
        "created_by",
        "algorithm",
        "matches_made",
        "juniors_in_pool",
        "seniors_in_pool",
        "total_score",
        "lowest_score",
        "duration_ms",
    ]
    list_filter = ["program", "is_rematch"]
    list_select_related = ["program", "created_by"]


class MatchMemberInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MatchMember
    extra = 0


@admin.register(Match)
class MatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only: matches change through HR's review page and the members' answers."""

    list_display = ["pk", "program", "status", "source", "score", "created_at", "approved_at", "confirmed_at"]
    list_filter = ["status", "source", "program"]
    list_select_related = ["program"]
    search_fields = ["members__user__email", "members__user__last_name"]
    inlines = [MatchMemberInline]


@admin.register(PairRule)
class PairRuleAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["program", "kind", "junior", "senior", "reason", "created_by", "created_at"]
    list_filter = ["kind", "program"]
    list_select_related = ["program", "junior", "senior", "created_by"]
