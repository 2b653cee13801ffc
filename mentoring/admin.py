from allauth.account.adapter import get_adapter
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import Length
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
    """Superusers only: a new account with a password of their choosing."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "level")


class DirectoryEntryForm(forms.ModelForm):
    """What HR adds in admin: a directory entry. No password — the person claims the entry by
    verifying their address (sign-up or "Forgot your password?")."""

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "title", "department", "level", "manager", "timezone", "language")

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_unusable_password()
        if commit:
            user.save()
        return user


class PersonChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


# Only superusers touch these: who can sign in as whom and with which powers.
PRIVILEGE_FIELDS = ("password", "email", "is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """HR keeps the directory's facts here (names, titles, departments, levels, managers,
    preferences, leaving by deactivation). Passwords, the e-mail address that signs in,
    staff and superuser status, groups and permissions are for superusers only, and a
    superuser's own entry is read-only to everyone else."""

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
    directory_add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "level"]}),
        (_("Directory"), {"fields": ["title", "department", "manager", "timezone", "language"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.directory_add_fieldsets
        # No password widget (it links to the set-password page); privileges shown, not editable.
        return [
            (title, {**options, "fields": [name for name in options["fields"] if name not in {"password", "user_permissions"}]})
            for title, options in self.fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser and obj is not None:
            readonly += [name for name in PRIVILEGE_FIELDS if name not in {"password", "user_permissions"}]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = DirectoryEntryForm
        return super().get_form(request, obj, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is signing in as them: superusers only, not HR.
        if not request.user.is_superuser:
            raise PermissionDenied(
                _("Only an administrator (superuser) may set passwords. People set their own with “Forgot your password?”.")
            )
        before = self.get_object(request, id)
        response = super().user_change_password(request, id, form_url)
        after = self.get_object(request, id)
        if before is not None and after is not None and after.password != before.password:
            # The owner hears of it, as with every password change: a sign-in as them is not silent.
            get_adapter(request).send_notification_mail("account/email/password_changed", after)
        return response


@admin.register(PeopleImport)
class PeopleImportAdmin(admin.ModelAdmin):
    list_display = [
        "filename",
        "status",
        "uploaded_by",
        "created_at",
        "applied_by",
        "applied_at",
        "created_count",
        "updated_count",
        "unchanged_count",
        "error_count",
    ]
    list_filter = ["status"]
    list_select_related = ["uploaded_by", "applied_by"]
    search_fields = ["filename", "uploaded_by__email"]
    date_hierarchy = "created_at"
    # The uploaded file itself (up to PEOPLE_IMPORT_MAX_BYTES) stays out of the page: its size
    # is shown, and the import's own page lists its checked lines 50 at a time.
    exclude = ["content"]
    readonly_fields = [field.name for field in PeopleImport._meta.fields if field.name != "content"] + ["file_size"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content").annotate(content_length=Length("content"))

    @admin.display(description=_("file size (characters)"))
    def file_size(self, obj):
        return intcomma(getattr(obj, "content_length", 0) or 0)

    def has_add_permission(self, request):
        return False  # imports go through the checked upload page
