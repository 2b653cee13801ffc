"""Sign-up, sign-in, verification, MFA and SSO gatekeeping through allauth."""

import importlib
import re
import runpy
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentoring.adapters import SocialAccountAdapter, signup_email_allowed
from mentoring.models import User
from mentoring.services import people_import_apply
from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-42"
ATTACKER_PASSWORD = "someone-elses-passphrase-13"
WRONG_LOGIN = "The email address and/or password you specified are not correct."


def signup(client, email, password=NEW_PASSWORD, **extra):
    data = {"email": email, "password1": password, "password2": password, **extra}
    return client.post(reverse("account_signup"), data)


def sign_in(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def confirm_link(message) -> str:
    return re.search(r"https?://[^/]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def choose_password(client, set_password_url, password):
    """Follow a set-password link (allauth moves the key into the session) and submit."""
    page = client.get(set_password_url, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else set_password_url
    return client.post(form_url, {"password1": password, "password2": password})


@pytest.fixture
def ada(db):
    """Imported by HR: in the directory, no password, address not verified yet."""
    people_import_apply(content="email,first_name,last_name,level\nada@acme.test,Ada,Lovelace,junior\n")
    return User.objects.get(email="ada@acme.test")


@pytest.fixture(params=["imported", "domain"])
def unclaimed_entry(request, settings):
    """An entry nobody has verified: imported by HR, or about to be created by a sign-up
    in an allowed domain (the attacker's sign-up creates it)."""
    settings.SIGNUP_EMAIL_DOMAINS = ["acme.test"]
    if request.param == "imported":
        return request.getfixturevalue("ada").email
    return "new.hire@acme.test"


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
    assert not user.has_usable_password()  # the password waits for the verification
    assert len(mail.outbox) == 1 and "confirm-email" in mail.outbox[0].body


def test_domain_signup_needs_a_name(client, settings):
    settings.SIGNUP_EMAIL_DOMAINS = ["acme.test"]
    response = signup(client, "noname@acme.test")
    assert response.status_code == 200
    assert "Please give your name." in response.content.decode()
    assert not User.objects.filter(email="noname@acme.test").exists()


def test_imported_person_claims_their_directory_entry_and_must_verify(client, ada):
    response = signup(client, ada.email)
    assert response.status_code == 302
    assert User.objects.filter(email="ada@acme.test").count() == 1

    # Nothing that signs in is stored before the mailbox is proven.
    ada.refresh_from_db()
    assert not ada.has_usable_password() and ada.first_name == "Ada"
    response = sign_in(Client(), ada.email, NEW_PASSWORD)
    assert response.status_code == 200 and WRONG_LOGIN in response.content.decode()

    # Confirming in the browser that signed up signs in with the password chosen there.
    response = client.post(confirm_link(mail.outbox[-1]))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert signed_in_as(client, ada)
    assert EmailAddress.objects.get(user=ada).verified
    client.logout()
    response = sign_in(client, ada.email, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_signup_for_an_unclaimed_entry_stores_nothing_before_verification(unclaimed_entry):
    before = User.objects.filter(email=unclaimed_entry).values_list("password", flat=True).first()
    attacker = Client()
    response = signup(attacker, unclaimed_entry, password=ATTACKER_PASSWORD, first_name="Eve", last_name="Mallory")
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")

    user = User.objects.get(email=unclaimed_entry)
    assert not user.has_usable_password()
    assert not user.check_password(ATTACKER_PASSWORD)
    if before is not None:
        assert user.password == before  # the imported entry's hash is untouched
    assert not EmailAddress.objects.filter(user=user, verified=True).exists()

    # The password does not sign in, not even into "please verify first" (which would
    # tell the attacker it is stored), neither in the signing-up browser nor elsewhere.
    for browser in (attacker, Client()):
        response = sign_in(browser, unclaimed_entry, ATTACKER_PASSWORD)
        assert response.status_code == 200 and WRONG_LOGIN in response.content.decode()
        assert "_auth_user_id" not in browser.session


def test_attackers_password_never_signs_in_after_the_owner_verifies(client, unclaimed_entry):
    attacker, owner = Client(), client
    signup(attacker, unclaimed_entry, password=ATTACKER_PASSWORD, first_name="Eve", last_name="Mallory")
    user = User.objects.get(email=unclaimed_entry)

    # The real owner clicks the confirmation mail that the attacker's sign-up sent.
    owner.post(confirm_link(mail.outbox[-1]))
    assert EmailAddress.objects.get(user=user).verified
    assert not signed_in_as(owner, user) and not signed_in_as(attacker, user)

    for browser in (attacker, Client()):
        response = sign_in(browser, unclaimed_entry, ATTACKER_PASSWORD)
        assert "_auth_user_id" not in browser.session
        assert response.status_code == 200 and WRONG_LOGIN in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_owner_confirming_in_another_browser_chooses_their_password_then(client, unclaimed_entry):
    attacker, owner = Client(), client
    signup(attacker, unclaimed_entry, password=ATTACKER_PASSWORD, first_name="Eve", last_name="Mallory")
    user = User.objects.get(email=unclaimed_entry)

    response = owner.post(confirm_link(mail.outbox[-1]))
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert set_password_url.startswith("/accounts/password/reset/key/")

    response = choose_password(owner, set_password_url, NEW_PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and not user.check_password(ATTACKER_PASSWORD)
    assert choose_password(Client(), set_password_url, ATTACKER_PASSWORD).status_code == 200  # used up
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    response = sign_in(Client(), unclaimed_entry, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    response = sign_in(attacker, unclaimed_entry, ATTACKER_PASSWORD)
    assert "_auth_user_id" not in attacker.session


def test_two_pending_signups_only_the_confirming_browsers_password_counts(client, ada):
    owner, attacker = client, Client()
    signup(owner, ada.email, password=NEW_PASSWORD)
    owner_link = confirm_link(mail.outbox[-1])
    signup(attacker, ada.email, password=ATTACKER_PASSWORD)  # a later sign-up for the same entry

    response = owner.post(owner_link)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert signed_in_as(owner, ada)
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD) and not ada.check_password(ATTACKER_PASSWORD)

    response = sign_in(attacker, ada.email, ATTACKER_PASSWORD)
    assert "_auth_user_id" not in attacker.session
    owner.logout()
    response = sign_in(owner, ada.email, NEW_PASSWORD)
    assert response.status_code == 302 and signed_in_as(owner, ada)


def test_forgot_password_for_an_unclaimed_entry_stores_nothing_until_the_mailed_link_is_used(client, ada):
    before = ada.password
    response = client.post(reverse("account_reset_password"), {"email": ada.email})
    assert response.status_code == 302 and len(mail.outbox) == 1
    ada.refresh_from_db()
    assert ada.password == before and not ada.has_usable_password()

    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    assert choose_password(client, link, NEW_PASSWORD).status_code == 302
    ada.refresh_from_db()
    assert ada.check_password(NEW_PASSWORD)


def test_migration_drops_passwords_that_sign_ups_stored_before_verification(junior):
    migration = importlib.import_module("mentoring.migrations.0004_drop_passwords_stored_before_verification")
    claimed_early = UserFactory(email="claimed.early@acme.test", verified=False)  # the old sign-up's state
    EmailAddress.objects.create(user=claimed_early, email=claimed_early.email, primary=True, verified=False)
    made_by_superuser = UserFactory(email="made.in.admin@acme.test", verified=False)  # never signed up
    signed_in_before = UserFactory(email="old.timer@acme.test", verified=False, last_login=timezone.now())
    EmailAddress.objects.create(user=signed_in_before, email=signed_in_before.email, primary=True, verified=False)

    migration.drop_passwords_stored_before_verification(apps, None)

    claimed_early.refresh_from_db()
    assert not claimed_early.has_usable_password()
    for kept in (junior, made_by_superuser, signed_in_before):
        kept.refresh_from_db()
        assert kept.check_password(PASSWORD)


def test_verified_account_cannot_be_claimed_again(client, junior):
    response = signup(client, junior.email)
    # Enumeration-safe: same response as a success, but the owner is told by mail instead.
    assert response.status_code == 302
    junior.refresh_from_db()
    assert junior.check_password(PASSWORD)
    assert User.objects.filter(email=junior.email).count() == 1


def test_sign_in_with_email_and_password(client, junior):
    response = client.post(reverse("account_login"), {"login": junior.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200


def test_wrong_password_is_refused_and_rate_limited(client, junior):
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": junior.email, "password": "wrong-password"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": junior.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


PROXY, CLIENT_A, CLIENT_B = "10.0.0.2", "203.0.113.10", "198.51.100.20"


def apply_project_settings(settings, monkeypatch, **env) -> None:
    """Read mentoring/settings.py under `env` (as a deployment would) and apply what it
    says about allauth's client address to this test's settings."""
    for name in ("TRUSTED_PROXY_COUNT", "TRUSTED_CLIENT_IP_HEADER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    configured = runpy.run_path(str(Path(__file__).resolve().parents[2] / "mentoring" / "settings.py"))
    for name, value in configured.items():
        if name.startswith("ALLAUTH_TRUSTED"):
            setattr(settings, name, value)


def fail_logins(client, count, **headers):
    for i in range(count):
        response = client.post(reverse("account_login"), {"login": f"nobody{i}@example.com", "password": "wrong-password"}, **headers)
        assert response.status_code == 200 and "Too many" not in response.content.decode()


@pytest.mark.parametrize(
    ("env", "header"),
    [({"TRUSTED_PROXY_COUNT": "1"}, "HTTP_X_FORWARDED_FOR"), ({"TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"}, "HTTP_X_REAL_IP")],
)
def test_behind_the_proxy_failed_logins_lock_out_only_that_client(client, junior, settings, monkeypatch, env, header):
    apply_project_settings(settings, monkeypatch, **env)
    fail_logins(client, 10, REMOTE_ADDR=PROXY, **{header: CLIENT_A})  # allauth: 10 failures per minute per address
    response = sign_in_from(client, junior, REMOTE_ADDR=PROXY, **{header: CLIENT_A})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session

    other = Client()
    response = sign_in_from(other, junior, REMOTE_ADDR=PROXY, **{header: CLIENT_B})
    assert "Too many failed login attempts" not in response.content.decode()
    assert response.status_code == 302 and signed_in_as(other, junior)


def test_without_a_trusted_proxy_forwarded_headers_do_not_dodge_the_limit(client, junior, settings, monkeypatch):
    apply_project_settings(settings, monkeypatch)
    for i in range(10):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{i}@example.com", "password": "wrong-password"},
            REMOTE_ADDR=CLIENT_A,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{i}",
            HTTP_X_REAL_IP=f"192.0.2.{i}",
        )
        assert response.status_code == 200
    response = sign_in_from(Client(), junior, REMOTE_ADDR=CLIENT_A, HTTP_X_FORWARDED_FOR=CLIENT_B, HTTP_X_REAL_IP=CLIENT_B)
    assert "Too many failed login attempts" in response.content.decode()


def sign_in_from(client, user, **headers):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, **headers)


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


# --- the second factor belongs to the session, not only to the account ---------------------------
def test_a_password_only_session_stays_an_employee_after_an_authenticator_is_added_elsewhere(client, hr_without_mfa, pair_for_hr):
    from tests.conftest import give_totp

    program, session = pair_for_hr(hr_without_mfa)
    assert sign_in_from(client, hr_without_mfa).status_code == 302  # password only: no authenticator yet
    secret = give_totp(hr_without_mfa)  # set up in another browser (or by someone who knows the password)
    response = client.get(reverse("mentoring:directory"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_reauthenticate"))
    response = client.get("/admin/", follow=True)
    assert any(hop.startswith(reverse("mfa_reauthenticate")) for hop, _status in response.redirect_chain)
    response = client.post(session.get_absolute_url(), {"action": "propose", "option_1": "2030-01-01T10:00", "duration_minutes": 90})
    assert response.status_code == 302 and not session.options.exists()
    # Entering a code in this session proves it here.
    response = client.post(reverse("mfa_reauthenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("mentoring:directory")).status_code == 200
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth announces the new authenticator on commit, inside the request
def test_activating_an_authenticator_in_this_session_opens_the_hr_pages_at_once(client, hr_without_mfa):
    from allauth.mfa.totp.internal.auth import generate_totp_secret

    sign_in_from(client, hr_without_mfa)
    response = client.get(reverse("mentoring:directory"))
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:  # allauth asks for the password again before adding a factor
        client.post(page["Location"], {"password": PASSWORD})
        page = client.get(reverse("mfa_activate_totp"))
    secret = client.session.get("mfa.totp.secret") or generate_totp_secret()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()[:500]
    assert client.get(reverse("mentoring:directory")).status_code == 200


@pytest.fixture
def pair_for_hr(db):
    def build(coordinator):
        from sessions.models import Meeting
        from tests.conftest import give_totp
        from tests.mentoring.factories import UserFactory
        from tests.sessions.conftest import confirmed_pairs

        organiser = UserFactory(email="organiser@example.com")
        from mentoring.services import hr_coordinator_grant

        hr_coordinator_grant(user=organiser)
        give_totp(organiser)
        program, _people = confirmed_pairs(organiser)
        program.coordinators.add(coordinator)
        return program, Meeting.objects.get(program=program, match=None, month=3)

    return build


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_told_when_an_authenticator_is_added_to_their_account(client, hr_without_mfa):
    sign_in_from(client, hr_without_mfa)
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302:
        client.post(page["Location"], {"password": PASSWORD})
        client.get(reverse("mfa_activate_totp"))
    mail.outbox.clear()
    client.post(reverse("mfa_activate_totp"), {"code": totp_code(client.session["mfa.totp.secret"])})
    assert [m.to for m in mail.outbox] == [[hr_without_mfa.email]]
    assert "authenticator" in (mail.outbox[0].subject + mail.outbox[0].body).lower()


def test_nobody_adds_someone_elses_address_to_their_own_account(client, junior):
    from tests.mentoring.factories import UserFactory

    ada = UserFactory(email="ada@example.com", verified=False, password=None)
    client.force_login(junior)
    response = client.post(reverse("account_email"), {"email": ada.email, "action_add": ""}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentoring:profile")
    assert "cannot be changed here" in response.content.decode()
    assert not EmailAddress.objects.filter(email__iexact=ada.email).exclude(user=ada).exists()
    assert mail.outbox == []  # no confirmation mail lands in Ada's inbox
    client.post(reverse("account_email"), {"email": ada.email, "action_primary": ""})
    junior.refresh_from_db()
    assert junior.email == "junior@example.com"
    assert client.get(reverse("account_email")).status_code == 302
