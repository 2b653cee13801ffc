import pytest
from django.db import IntegrityError, transaction

from mentoring.models import Department, Level, User


@pytest.mark.django_db
def test_email_is_the_login_and_there_is_no_username():
    user = User.objects.create_user("Ada.Lovelace@Example.COM", "a-long-password-1", first_name="Ada", last_name="Lovelace")
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username")
    assert user.email == "ada.lovelace@example.com"
    assert user.check_password("a-long-password-1")
    assert User.objects.get_by_natural_key("ADA.lovelace@example.com") == user
    assert str(user) == "Ada Lovelace <ada.lovelace@example.com>"
    assert user.initials == "AL"


@pytest.mark.django_db
def test_user_without_password_cannot_sign_in_until_they_claim_the_account():
    user = User.objects.create_user("new@example.com", first_name="N", last_name="E")
    assert not user.has_usable_password()


@pytest.mark.django_db
def test_email_is_unique_regardless_of_case():
    User.objects.create_user("x@example.com", first_name="X", last_name="Y")
    with pytest.raises(IntegrityError, match="user_email_unique_ci"), transaction.atomic():
        User.objects.create(email="X@EXAMPLE.com", first_name="X", last_name="Z")


@pytest.mark.django_db
def test_database_refuses_a_person_managing_themselves():
    user = User.objects.create_user("self@example.com", first_name="S", last_name="M")
    user.manager_id = user.pk
    with pytest.raises(IntegrityError, match="user_not_own_manager"), transaction.atomic():
        user.save()


@pytest.mark.django_db
def test_department_names_are_unique_ignoring_case():
    Department.objects.create(name="Engineering")
    with pytest.raises(IntegrityError, match="department_name_unique_ci"), transaction.atomic():
        Department.objects.create(name="engineering")


def test_levels_are_ordered_from_apprentice_to_executive():
    order = [Level.APPRENTICE, Level.JUNIOR, Level.MID, Level.SENIOR, Level.LEAD, Level.DIRECTOR, Level.EXECUTIVE]
    assert sorted(order) == order
    assert Level.from_text("mid") is Level.MID
    assert Level.from_text(" Mid-level ") is Level.MID
    assert Level.from_text("50") is Level.LEAD
    assert Level.from_text("intern") is None
    assert Level.from_text("") is None


@pytest.mark.django_db
def test_unknown_timezone_is_refused_by_validation():
    from django.core.exceptions import ValidationError

    user = User(email="tz@example.com", first_name="T", last_name="Z", timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="Mars/Olympus is not a known time zone") as excinfo:
        user.full_clean(exclude=["password"])
    assert list(excinfo.value.message_dict) == ["timezone"]
