"""Sign-up, sign-in, verification, MFA and SSO gatekeeping through allauth."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from mentoring.adapters import SocialAccountAdapter, signup_email_allowed
from mentoring.models import User
from mentoring.services import people_import_apply
from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-42"


def signup(client, email, **extra):
    data = {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}
    return client.post(reverse("account_signup"), data)


def confirm_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signup_is_refused_outside_directory_and_domains(client):
    response = signup(client, "stranger@elsewhere.test", first_name="S", last_name="T")
    assert response.status_code == 200
    assert "not in the company directory" in response.content.decode()
    assert not User.objects.filter(email="stranger@elsewhere.test").exists()
    assert mail.outbox == []


def test_signup_in_an_allowed_domain_creates_an_unverified_account(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["acme.test"]
    response = signup(client, "New.Hire@ACME.test", first_name="New", last_name="Hire")
    assert response.status_code == 302
    user = User.objects.get(email="new.hire@acme.test")
    assert (user.first_name, user.last_name) == ("New", "Hire")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1 and "confirm-email" in mail.outbox[0].body


def test_domain_signup_needs_a_name(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["acme.test"]
    response = signup(client, "noname@acme.test")
    assert response.status_code == 200
    assert "Please give your name." in response.content.decode()
    assert not User.objects.filter(email="noname@acme.test").exists()


def test_imported_person_claims_their_directory_entry_and_must_verify(client):
    people_import_apply(content="email,first_name,last_name,level\nada@acme.test,Ada,Lovelace,junior\n")
    response = signup(client, "ada@acme.test")
    assert response.status_code == 302
    assert User.objects.filter(email="ada@acme.test").count() == 1
    user = User.objects.get(email="ada@acme.test")
    assert user.check_password(NEW_PASSWORD) and user.first_name == "Ada"

    # Not signed in before the mailbox is proven.
    client.logout()
    response = client.post(reverse("account_login"), {"login": "ada@acme.test", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session

    client.post(confirm_link(mail.outbox[-1]))
    assert EmailAddress.objects.get(user=user).verified
    response = client.post(reverse("account_login"), {"login": "ada@acme.test", "password": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mentoring:home")


def test_verified_account_cannot_be_claimed_again(client, junior):
    response = signup(client, junior.email)
    # Enumeration-safe: same response as a success, but the owner is told by mail instead.
    assert response.status_code == 302
    junior.refresh_from_db()
    assert junior.check_password(PASSWORD)
    assert User.objects.filter(email=junior.email).count() == 1


def test_sign_in_with_email_and_password(client, junior):
    response = client.post(reverse("account_login"), {"login": junior.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mentoring:home")
    assert client.get(reverse("mentoring:home")).status_code == 200


def test_wrong_password_is_refused_and_rate_limited(client, junior):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": junior.email, "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": junior.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_hr_sign_in_asks_for_the_authenticator_code(client, hr):
    response = client.post(reverse("account_login"), {"login": hr.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(hr.totp_secret)})
    assert response.status_code == 302
    assert client.get(reverse("mentoring:directory")).status_code == 200


def test_password_reset_mail_reaches_directory_people(client, junior):
    response = client.post(reverse("account_reset_password"), {"email": junior.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "password" in mail.outbox[0].subject.lower()


def test_signup_rule_helper():
    UserFactory(email="in@directory.test")
    inactive = UserFactory(email="gone@directory.test")
    inactive.is_active = False
    inactive.save()
    assert signup_email_allowed("IN@directory.test")
    assert not signup_email_allowed("gone@directory.test")
    assert not signup_email_allowed("")
    assert not signup_email_allowed("not-an-email")


def test_sso_signup_follows_the_same_rule(settings, rf):
    class FakeLogin:
        def __init__(self, email):
            self.user = User(email=email)

    settings.SIGNUP_EMAIL_DOMAINS = ["corp.test"]
    adapter = SocialAccountAdapter()
    assert adapter.is_open_for_signup(rf.get("/"), FakeLogin("someone@corp.test"))
    assert not adapter.is_open_for_signup(rf.get("/"), FakeLogin("someone@gmail.test"))


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_email_verification_sent"],
)
def test_account_pages_use_the_site_layout(client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    assert "site-navbar" in page and "bootstrap.min.css" in page
    assert 'id="main"' in page  # landmark for the skip link


@pytest.mark.parametrize(
    "url_name",
    [
        "account_change_password",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_generate_recovery_codes",
        "account_logout",
        "account_reauthenticate",
    ],
)
def test_signed_in_account_pages_render_in_the_site_layout(client, junior, url_name):
    client.force_login(junior)
    response = client.get(reverse(url_name), follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "site-navbar" in page and "btn" in page
