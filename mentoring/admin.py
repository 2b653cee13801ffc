from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Department, PeopleImport, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "people"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("members"))

    @admin.display(description=_("people"), ordering="people_count")
    def people(self, obj):
        return obj.people_count


class PersonCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "level")


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = PersonCreationForm
    form = PersonChangeForm
    ordering = ["last_name", "first_name"]
    list_display = ["email", "first_name", "last_name", "title", "department", "level", "manager", "is_active", "is_staff"]
    list_filter = ["level", "department", "is_active", "is_staff", "groups"]
    list_select_related = ["department", "manager"]
    search_fields = ["email", "first_name", "last_name", "title"]
    autocomplete_fields = ["manager", "department"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Directory"), {"fields": ["first_name", "last_name", "title", "department", "level", "manager"]}),
        (_("Preferences"), {"fields": ["timezone", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "level", "usable_password", "password1", "password2"]}),
    ]


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "status", "uploaded_by", "created_at", "applied_by", "applied_at", "created_count", "updated_count", "unchanged_count", "error_count"]
    list_filter = ["status"]
    list_select_related = ["uploaded_by", "applied_by"]
    search_fields = ["filename", "uploaded_by__email"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in PeopleImport._meta.fields]

    def has_add_permission(self, request):
        return False  # imports go through the checked upload page
