"""Django admin against a curious administrator: no lookup, search or list reveals a
confidential field (every registered model, every confidential field, HR and superuser),
and HR keeps the directory's facts without any way to become someone else."""

import uuid

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core import checks, mail
from django.db import models
from django.urls import reverse

from matching.models import Match, MatchMember
from mentoring.admin_site import THIRD_PARTY_CONFIDENTIAL, PrivacyAdminMixin, confidential_fields
from mentoring.models import User
from mentoring.services import hr_group_ensure
from programs.models import Application, Invitation
from sessions.models import CalendarFeed, Meeting, Note
from tests.evaluation.factories import AnswerFactory, CheckInFactory, QuestionFactory, ResponseFactory, SurveyFactory
from tests.mentoring.factories import UserFactory
from tests.sessions.conftest import confirmed_pairs
from tests.sessions.factories import CalendarFeedFactory, NoteFactory, SessionLogFactory

pytestmark = pytest.mark.django_db

SECRET = "zq7secret"  # every confidential text below starts with this


def secret(label: str) -> str:
    return f"{SECRET}-{label}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def world(hr):
    """A confirmed pair with something private in every confidential field."""
    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    meeting = Meeting.objects.filter(match=match).first()
    Meeting.objects.filter(pk=meeting.pk).update(cancel_reason=secret("cancel"))
    NoteFactory(match=match, author=junior, body=secret("note"))
    SessionLogFactory(meeting=meeting, author=junior, shared=secret("shared"), learned=secret("learned"))
    MatchMember.objects.filter(match=match, user=senior).update(decline_reason=secret("decline"))
    invitee = UserFactory(first_name="Ines")
    Invitation.objects.create(program=program, user=invitee, invited_by=hr, status="declined", decline_reason=secret("invitation"))
    Application.objects.get(program=program, user=junior).avoid_people.add(hr)
    CalendarFeedFactory(user=junior, token=secret("feed"))
    CheckInFactory(match=match, user=junior, pulse=2, meetings_as_planned=False, comment=secret("checkin"))
    survey = SurveyFactory(program=program)
    question = QuestionFactory(survey=survey, kind="text", text="What would you change?")
    AnswerFactory(response=ResponseFactory(survey=survey, user=junior), question=question, value=secret("answer"))
    SocialAccount.objects.create(user=senior, provider="company", uid="sso-1", extra_data={"secret": secret("sso")})
    return program


@pytest.fixture
def superuser(db):
    from tests.conftest import give_totp

    user = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    give_totp(user)
    return user


def confidential_paths(model, depth=2, prefix="", seen=()):
    """Every lookup path from `model` to a confidential field, through relations."""
    paths = []
    for name in confidential_fields(model):
        try:
            field = model._meta.get_field(name)
        except Exception:  # third-party tables may lack a listed field
            continue
        paths.append((prefix + name, field))
    if depth == 0:
        return paths
    for field in model._meta.get_fields():
        if not field.is_relation or field.related_model is None or field.related_model in seen:
            continue
        if getattr(field, "hidden", False) or (
            field.auto_created and not field.concrete and field.related_name and field.related_name.endswith("+")
        ):
            continue
        paths += confidential_paths(field.related_model, depth - 1, f"{prefix}{field.name}__", (*seen, model))
    return paths


def attacks(path, field):
    """Query-string lookups that would test a guess about the secret behind `path`."""
    if field.many_to_many or field.many_to_one:
        return [(path, "1"), (f"{path}__in", "1,2,3"), (f"{path}__isnull", "False")]
    if isinstance(field, models.JSONField):
        return [(f"{path}__icontains", SECRET), (f"{path}__isnull", "False")]
    return [
        (path, SECRET),
        (f"{path}__startswith", SECRET),
        (f"{path}__contains", SECRET),
        (f"{path}__regex", f"^{SECRET}"),
        (f"{path}__gt", ""),
    ]


def changelist_ids(client, model, query):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, query)
    if response.status_code != 200:
        return response.status_code, None
    return 200, sorted(obj.pk for obj in response.context["cl"].queryset)


@pytest.mark.parametrize("persona", ["hr", "superuser"])
def test_no_admin_lookup_or_search_depends_on_a_confidential_field(client, world, persona, request):
    client.force_login(request.getfixturevalue(persona))
    tried = refused = 0
    for model in admin.site._registry:
        status, baseline = changelist_ids(client, model, {})
        if status == 403:
            assert persona == "hr", f"the superuser cannot open {model._meta.label}"
            continue
        assert status == 200, model._meta.label
        for path, field in confidential_paths(model):
            for lookup, value in attacks(path, field):
                status, ids = changelist_ids(client, model, {lookup: value})
                tried += 1
                # Refused (400), or ignored (the same rows as without it); never a filter.
                assert status == 400 or ids == baseline, f"{model._meta.label}: ?{lookup}={value} filtered the changelist"
                refused += status == 400
        for needle in (SECRET, "no-such-text-anywhere"):
            status, ids = changelist_ids(client, model, {"q": needle})
            assert status == 200
            _status, control = changelist_ids(client, model, {"q": "no-such-text-anywhere"})
            assert ids == control, f"{model._meta.label}: searching finds confidential text"
    assert tried > 50 and refused == tried  # the attack really ran, and every lookup was refused


@pytest.mark.parametrize("lookup", ["pk", "id__gt", "status__regex", "user__email__startswith", "program__name__contains"])
def test_lookups_outside_the_list_filters_are_refused_even_on_harmless_fields(hr_client, world, lookup):
    url = reverse("admin:programs_application_changelist")
    assert hr_client.get(url, {lookup: "1"}).status_code == 400


def test_list_filters_and_date_hierarchy_still_work(hr_client, world):
    url = reverse("admin:programs_application_changelist")
    assert hr_client.get(url, {"status__exact": "accepted"}).status_code == 200
    assert hr_client.get(url, {"program__id__exact": world.pk}).status_code == 200
    response = hr_client.get(
        reverse("admin:mentoring_user_changelist"), {"department__id__exact": "1", "is_active__exact": "1", "groups__id__exact": "1"}
    )
    assert response.status_code == 200
    imports = reverse("admin:mentoring_peopleimport_changelist")
    assert hr_client.get(imports, {"created_at__year": "2026", "created_at__month": "11"}).status_code == 200


def test_no_change_page_shows_a_confidential_field(client, world, superuser):
    client.force_login(superuser)
    for model, model_admin in admin.site._registry.items():
        obj = model_admin.get_queryset(_request(superuser)).first()
        if obj is None:
            continue
        page = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])).content.decode()
        assert SECRET not in page, f"{model._meta.label} change page shows a secret"
        listing = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")).content.decode()
        assert SECRET not in listing, f"{model._meta.label} list shows a secret"


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_notes_logs_and_sso_secrets_are_not_in_admin_at_all():
    registered = {model._meta.label for model in admin.site._registry}
    assert not registered & {
        "mentoring_sessions.Note",
        "mentoring_sessions.SessionLog",
        "socialaccount.SocialApp",
        "socialaccount.SocialToken",
    }
    assert all(issubclass(type(model_admin), PrivacyAdminMixin) for model_admin in admin.site._registry.values())


def test_every_declared_confidential_field_exists():
    from django.apps import apps

    declared = [(model, name) for model in apps.get_models() for name in getattr(model, "confidential_fields", ())]
    assert len(declared) >= 10
    for model, name in declared:
        model._meta.get_field(name)
    for label, names in THIRD_PARTY_CONFIDENTIAL.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for name in names:
            model._meta.get_field(name)


def test_an_admin_naming_a_confidential_field_fails_the_system_checks():
    class LeakyNoteAdmin(PrivacyAdminMixin, admin.ModelAdmin):
        search_fields = ["body"]
        list_filter = ["match__members__decline_reason"]

    errors = LeakyNoteAdmin(Note, admin.site).check()
    assert [e.id for e in errors if e.id == "mentoring.E001"] == ["mentoring.E001", "mentoring.E001"]
    assert not [e for e in checks.run_checks() if e.id == "mentoring.E001"]


# --- HR cannot become anyone ------------------------------------------------------------------
@pytest.fixture
def person(db):
    return UserFactory(email="mia@example.com", first_name="Mia", title="Designer")


def change_form(user, **changes):
    data = {
        "email": user.email, "first_name": user.first_name, "last_name": user.last_name, "title": user.title,
        "department": user.department_id or "", "level": user.level, "manager": user.manager_id or "",
        "timezone": user.timezone, "language": user.language, "is_active": "on",
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00",
    }  # fmt: skip
    data.update(changes)
    return data


def test_hr_changes_directory_facts_in_admin(hr_client, person):
    url = reverse("admin:mentoring_user_change", args=[person.pk])
    response = hr_client.post(url, change_form(person, title="Senior Designer"))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.title == "Senior Designer"


@pytest.mark.parametrize(
    "changes",
    [
        {"is_superuser": "on"},
        {"is_staff": "on"},
        {"groups": "GROUP"},
        {"user_permissions": "PERMISSION"},
        {"email": "attacker@example.com"},
        {"password": "md5$salt$abcdef"},
    ],
    ids=["is_superuser", "is_staff", "groups", "user_permissions", "email", "password"],
)
@pytest.mark.parametrize("target", ["person", "hr"], ids=["someone", "themselves"])
def test_hr_cannot_change_privileges_or_sign_in_details(hr_client, hr, person, changes, target, request):
    user = request.getfixturevalue(target)
    group = hr_group_ensure()
    values = {
        key: {"GROUP": str(group.pk), "PERMISSION": str(Permission.objects.get(codename="change_group").pk)}.get(v, v)
        for key, v in changes.items()
    }
    before = User.objects.get(pk=user.pk)
    before_groups = set(before.groups.values_list("pk", flat=True))
    hr_client.post(reverse("admin:mentoring_user_change", args=[user.pk]), change_form(user, **values))
    after = User.objects.get(pk=user.pk)
    assert (after.is_superuser, after.is_staff, after.email, after.password) == (
        before.is_superuser,
        before.is_staff,
        before.email,
        before.password,
    )
    assert set(after.groups.values_list("pk", flat=True)) == before_groups
    assert not after.user_permissions.exists()


def test_hr_cannot_set_a_password(hr_client, person):
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    assert hr_client.get(url).status_code == 403
    response = hr_client.post(
        url,
        {"password1": "attacker-password-1", "password2": "attacker-password-1", "usable_password": "true", "set_usable_password": "true"},
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.check_password("attacker-password-1")
    page = hr_client.get(reverse("admin:mentoring_user_change", args=[person.pk])).content.decode()
    assert "/password/" not in page  # no link to the set-password form


def test_hr_adds_people_without_a_password(hr_client):
    url = reverse("admin:mentoring_user_add")
    page = hr_client.get(url).content.decode()
    assert 'name="password1"' not in page and 'name="usable_password"' not in page
    response = hr_client.post(url, {"email": "new.hire@example.com", "first_name": "New", "last_name": "Hire", "level": 20, "timezone": "UTC", "language": "en",
                                    "password1": "attacker-password-1", "password2": "attacker-password-1"})  # fmt: skip
    assert response.status_code == 302
    created = User.objects.get(email="new.hire@example.com")
    assert not created.has_usable_password() and not created.is_staff and not created.is_superuser


def test_hr_cannot_edit_a_superuser(hr_client, superuser):
    url = reverse("admin:mentoring_user_change", args=[superuser.pk])
    hr_client.post(url, change_form(superuser, is_active="", title="Pwned"))
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.title != "Pwned"


def test_superuser_keeps_full_control(client, superuser, person):
    client.force_login(superuser)
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = client.post(
        url,
        {
            "password1": "a-new-long-password-7",
            "password2": "a-new-long-password-7",
            "usable_password": "true",
            "set_usable_password": "true",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-new-long-password-7")
    assert [m.to for m in mail.outbox] == [[person.email]] and "password" in mail.outbox[0].subject.lower()  # the owner is told
    client.post(reverse("admin:mentoring_user_change", args=[person.pk]), {**change_form(person), "is_staff": "on"})
    person.refresh_from_db()
    assert person.is_staff


def test_hr_group_holds_exactly_the_declared_admin_permissions(db):
    group = hr_group_ensure()
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert "mentoring.change_user" in granted and "mentoring.add_user" in granted and "programs.view_application" in granted
    assert not {p for p in granted if p.split(".")[0] in {"auth", "account", "mfa", "socialaccount", "admin", "contenttypes", "sessions"}}
    assert not {p for p in granted if ".delete_" in p}
    assert (
        not {"programs.change_program", "programs.change_application", "mentoring_sessions.view_note", "mentoring_sessions.view_sessionlog"}
        & granted
    )


def test_hr_without_mfa_reaches_no_admin_page(client, hr_without_mfa, world):
    client.force_login(hr_without_mfa)
    for model in admin.site._registry:
        for url in (
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"),
        ):
            response = client.get(url, follow=True)
            assert any(hop.startswith(reverse("mfa_activate_totp")) for hop, _status in response.redirect_chain), url


@pytest.mark.parametrize("persona", ["hr", "superuser"])
def test_view_on_site_never_hands_out_a_secret_link(client, world, persona, request):
    from django.contrib.contenttypes.models import ContentType

    client.force_login(request.getfixturevalue(persona))
    feed, invitation = CalendarFeed.objects.get(), Invitation.objects.get()
    for obj in (feed, invitation):
        content_type = ContentType.objects.get_for_model(obj)
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
        assert response.status_code == 404 and obj.token not in response.get("Location", "")
    change_page = client.get(reverse("admin:programs_invitation_change", args=[invitation.pk])).content.decode()
    assert "/admin/r/" not in change_page and invitation.token not in change_page
    program_type = ContentType.objects.get_for_model(world)
    response = client.get(reverse("admin:view_on_site", args=[program_type.pk, world.pk]))
    assert response.status_code == 302 and response["Location"].endswith(world.get_absolute_url())  # harmless links still work


def test_an_import_page_in_admin_shows_the_files_size_not_the_file(client, superuser):
    from mentoring.models import PeopleImport

    content = "email,first_name,last_name\n" + "".join(f"row{n}@example.com,Row,Number{n}\n" for n in range(2000))
    people_import = PeopleImport.objects.create(filename="big.csv", content=content, uploaded_by=superuser)
    client.force_login(superuser)
    page = client.get(reverse("admin:mentoring_peopleimport_change", args=[people_import.pk])).content.decode()
    assert "big.csv" in page and "row1999@example.com" not in page
    assert f"{len(content):,}" in page
