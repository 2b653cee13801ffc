"""The language switch on every page, Accept-Language before sign-in, each person's own language."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SWITCH = reverse("mentoring:language")


def test_every_page_offers_the_switch_in_each_language_own_name(client, junior):
    page = client.get(reverse("account_login")).content.decode()
    assert 'id="language-switch"' in page
    for name in ("English", "Deutsch", "Français", "Español"):
        assert name in page
    client.force_login(junior)
    assert 'id="language-switch"' in client.get(reverse("portal:home")).content.decode()


def test_before_sign_in_the_browser_language_counts_until_the_switch_says_otherwise(client):
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    assert '<html lang="de"' in page.content.decode()
    response = client.post(SWITCH, {"language": "fr", "next": reverse("account_login")})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="fr"' in page.content.decode()


def test_a_signed_in_person_switch_becomes_their_language_for_pages_and_mail(client, junior):
    client.force_login(junior)
    client.post(SWITCH, {"language": "es", "next": reverse("portal:home")})
    junior.refresh_from_db()
    assert junior.language == "es"
    page = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE="de")
    assert '<html lang="es"' in page.content.decode()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_the_switch_goes_back_only_to_this_site(client, target):
    response = client.post(SWITCH, {"language": "de", "next": target})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


def test_an_unknown_language_changes_nothing(client, junior):
    client.force_login(junior)
    before = junior.language
    response = client.post(SWITCH, {"language": "xx", "next": reverse("portal:home")}, follow=True)
    junior.refresh_from_db()
    assert junior.language == before
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies or response.cookies[settings.LANGUAGE_COOKIE_NAME].value != "xx"
    assert "Unknown language." in response.content.decode()


def test_the_switch_takes_posts_only(client):
    assert client.get(SWITCH).status_code == 405
