"""`make_hr_coordinator`: the front door of a blank installation (issue 14, item 4)."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from mentoring.models import User
from tests.mentoring.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-42"


def make(*args, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("make_hr_coordinator", *args, stdout=out)
    return out.getvalue()


def test_a_blank_install_gets_its_first_coordinator_with_a_password_from_stdin(monkeypatch):
    assert not User.objects.exists()
    out = make(
        "Lead@Acme.test",
        "--first-name",
        "Lee",
        "--last-name",
        "Lead",
        "--password-stdin",
        stdin=NEW_PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    user = User.objects.get(email="lead@acme.test")
    assert (user.first_name, user.last_name) == ("Lee", "Lead")
    assert user.in_hr_group and user.is_staff and not user.is_superuser
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified  # the operator vouched: no confirmation mail
    assert "Added Lee Lead" in out and "is now an HR coordinator" in out and "authenticator" in out

    # Signing in works at once, and HR's second factor is still required before any HR page.
    client = Client()
    response = client.post(reverse("account_login"), {"login": "lead@acme.test", "password": NEW_PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)
    assert mail.outbox == []
    assert not user.is_hr_coordinator
    assert client.get(reverse("mentoring:directory")).status_code in (302, 403)


def test_without_a_password_option_it_prints_a_one_time_set_password_link(settings):
    settings.SITE_URL = "https://mentoring.example.com"
    out = make("lead@acme.test", "--first-name", "Lee", "--last-name", "Lead")
    link = re.search(r"https://mentoring\.example\.com(/accounts/password/reset/key/\S+/)", out).group(1)
    user = User.objects.get(email="lead@acme.test")
    assert not user.has_usable_password() and user.in_hr_group

    client = Client()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(user.pk)  # signed in
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and EmailAddress.objects.get(user=user).verified
    assert Client().post(form_url, {"password1": "x" + NEW_PASSWORD, "password2": "x" + NEW_PASSWORD}).status_code == 200  # used up


def test_mail_link_mails_the_link_to_the_person():
    UserFactory(email="lead@acme.test", first_name="Lee", last_name="Lead", password=None)
    out = make("lead@acme.test", "--mail-link")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lead@acme.test"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", out).group(0)
    assert link in mail.outbox[0].body and "Reverse Mentoring" in mail.outbox[0].subject


def test_an_existing_person_keeps_their_password_and_running_it_again_changes_nothing(junior):
    out = make(junior.email)
    junior.refresh_from_db()
    assert junior.in_hr_group and junior.check_password(PASSWORD)
    assert "is now an HR coordinator" in out and "/accounts/password/reset/key/" not in out
    out = make(junior.email.upper())
    assert "was already an HR coordinator" in out
    assert User.objects.filter(email=junior.email).count() == 1 and junior.groups.count() == 1


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["nobody@acme.test"], None, "not in the directory yet: add --first-name and --last-name"),
        (["not-an-address"], None, "is not an e-mail address"),
        (["lead@acme.test", "--first-name", "L", "--last-name", "L", "--password-stdin"], "\n", "held no password"),
        (["lead@acme.test", "--first-name", "L", "--last-name", "L", "--password-stdin"], "short\n", "The password was refused"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_changes(monkeypatch, args, stdin, message):
    with pytest.raises(CommandError, match=message):
        make(*args, stdin=stdin if stdin is not None else "", monkeypatch=monkeypatch)
    assert not User.objects.exists()


def test_a_deactivated_person_is_refused(junior):
    junior.is_active = False
    junior.save()
    with pytest.raises(CommandError, match="deactivated"):
        make(junior.email)
    assert not junior.groups.exists()
