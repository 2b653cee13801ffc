"""Guards and bad inputs of the directory services and the small management commands."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from mentoring.models import HR_GROUP_NAME, PeopleImport
from mentoring.services import (
    hr_coordinator_grant,
    hr_group_ensure,
    people_import_confirm,
    people_import_discard,
    people_import_preview,
    profile_update,
)
from tests.conftest import give_totp
from tests.mentoring.factories import UserFactory
from tests.mentoring.test_people_import import GOOD

pytestmark = pytest.mark.django_db


def test_hr_group_has_directory_permissions_but_cannot_delete_people():
    group = hr_group_ensure()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_user", "change_user", "add_user", "view_department", "view_peopleimport"} <= codenames
    assert "delete_user" not in codenames
    assert Group.objects.filter(name=HR_GROUP_NAME).count() == 1
    hr_group_ensure()
    assert Group.objects.filter(name=HR_GROUP_NAME).count() == 1


def test_granting_hr_adds_group_and_admin_access():
    user = UserFactory()
    assert not user.in_hr_group
    hr_coordinator_grant(user=user)
    user.refresh_from_db()
    assert user.in_hr_group and user.is_staff
    # The role alone is not the capability: HR acts only with its second factor.
    assert not user.is_hr_coordinator
    give_totp(user)
    assert user.is_hr_coordinator


def test_without_the_mfa_requirement_the_role_is_the_capability(settings):
    settings.HR_REQUIRE_MFA = False
    user = UserFactory()
    hr_coordinator_grant(user=user)
    assert user.is_hr_coordinator


def test_inactive_person_cannot_become_hr():
    user = UserFactory()
    user.is_active = False
    user.save()
    with pytest.raises(ValidationError, match="inactive person cannot become an HR coordinator"):
        hr_coordinator_grant(user=user)
    assert not user.groups.exists()


def test_make_hr_coordinator_command(capsys):
    user = UserFactory(email="lead@example.com")
    call_command("make_hr_coordinator", "LEAD@example.com")
    assert "is now an HR coordinator" in capsys.readouterr().out
    user.refresh_from_db()
    assert user.in_hr_group
    with pytest.raises(CommandError, match="not in the directory"):
        call_command("make_hr_coordinator", "nobody@example.com")


def test_profile_update_validates_timezone_and_language():
    user = UserFactory(timezone="Europe/Berlin", language="en")
    profile_update(user=user, timezone_name="Asia/Tokyo", language="fr")
    user.refresh_from_db()
    assert (user.timezone, user.language) == ("Asia/Tokyo", "fr")
    with pytest.raises(ValidationError, match="Nowhere/City is not a known time zone"):
        profile_update(user=user, timezone_name="Nowhere/City", language="en")
    with pytest.raises(ValidationError, match="'language': \\[\"Value 'klingon' is not a valid choice"):
        profile_update(user=user, timezone_name="UTC", language="klingon")
    user.refresh_from_db()
    assert (user.timezone, user.language) == ("Asia/Tokyo", "fr")


def test_preview_then_confirm_then_no_second_confirm_or_discard():
    hr = UserFactory()
    record, plan = people_import_preview(content=GOOD, filename="people.csv", uploaded_by=hr)
    assert plan.is_valid and record.status == PeopleImport.Status.PREVIEWED and record.created_count == 4
    result = people_import_confirm(people_import=record, confirmed_by=hr)
    assert result.created == 4 and record.status == PeopleImport.Status.APPLIED and record.applied_by == hr
    with pytest.raises(ValidationError, match="cannot be applied again"):
        people_import_confirm(people_import=record, confirmed_by=hr)
    with pytest.raises(ValidationError, match="Only an import awaiting confirmation"):
        people_import_discard(people_import=record)


def test_a_previewed_file_that_went_stale_is_refused_on_confirm():
    hr = UserFactory()
    boss = UserFactory(email="boss@acme.test")
    content = "email,first_name,last_name,level,manager_email\nnew@acme.test,New,Person,junior,boss@acme.test\n"
    record, plan = people_import_preview(content=content, filename="people.csv", uploaded_by=hr)
    assert plan.is_valid
    boss.delete()  # the manager left between upload and confirm
    with pytest.raises(ValidationError, match="neither in this file nor in the directory"):
        people_import_confirm(people_import=record, confirmed_by=hr)
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.PREVIEWED
    assert not UserFactory._meta.model.objects.filter(email="new@acme.test").exists()
