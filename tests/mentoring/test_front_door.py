"""After "Forgot your password?" (issue 14, item 4): the mailed link proves the mailbox, so it
signs in and no second "confirm your address" mail follows; HR still enter their code."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentoring.models import User
from mentoring.services import people_import_apply
from tests.conftest import totp_code
from tests.mentoring.test_accounts import choose_password, sign_in

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-fresh-passphrase-42"


@pytest.fixture
def ada(db):
    """Imported by HR: in the directory, no password, address not verified yet."""
    people_import_apply(content="email,first_name,last_name,level\nada@acme.test,Ada,Lovelace,junior\n")
    return User.objects.get(email="ada@acme.test")


def reset_link(client, email) -> str:
    client.post(reverse("account_reset_password"), {"email": email})
    return re.search(r"https?://[^/]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_forgot_password_signs_in_and_asks_for_no_second_confirmation(client, ada):
    response = choose_password(client, reset_link(client, ada.email), NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert client.session.get("_auth_user_id") == str(ada.pk)
    assert EmailAddress.objects.get(user=ada, email=ada.email).verified
    mail.outbox.clear()

    other = Client()
    response = sign_in(other, ada.email, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert not [m for m in mail.outbox if "confirm-email" in m.body]  # no "someone registered your address" mail


def test_hr_who_forgot_their_password_still_enters_their_authenticator_code(client, hr):
    response = choose_password(client, reset_link(client, hr.email), NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(hr.totp_secret)})
    assert response.status_code == 302 and client.session.get("_auth_user_id") == str(hr.pk)


def test_the_confirmation_mail_does_not_say_someone_else_registered_the_address(client, ada):
    client.post(reverse("account_signup"), {"email": ada.email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    body = mail.outbox[-1].body
    assert "Hello from Reverse Mentoring!" in body and "probably you" in body
    assert "has given your email address" not in body and "Hello from testserver" not in body


def test_the_menus_sign_up_link_keeps_the_way_back_to_the_page_asked_for(client):
    page = client.get(reverse("account_login"), {"next": "/invitations/abc/"}).content.decode()
    assert 'href="/accounts/signup/?next=/invitations/abc/"' in page
    assert 'href="/accounts/login/?next=/invitations/abc/"' in page
