"""The Content-Security-Policy header (django-csp): strict, on every kind of page.

The browser side (no page of a journey triggers a violation, and the guard that checks it
can fail) is in tests/e2e/test_csp.py.
"""

import json

import pytest
from django.urls import reverse

from tests.mentoring.test_settings import run

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in parsed, f"{name} appears twice"
        parsed[name] = values
    return parsed


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who, url_name",
    [
        (None, "account_login"),
        (None, "account_signup"),
        ("junior", "portal:home"),
        ("junior", "mentoring:profile"),
        ("hr", "admin:index"),
        ("hr", "mentoring:directory"),
    ],
)
def test_every_page_carries_the_strict_policy(client, request, who, url_name):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy == EXPECTED
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_error_pages_and_static_files_carry_it_too(client, junior, settings):
    # WhiteNoise serves static files as in production (it reads its settings when the
    # client's middleware chain is built, on the first request).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    not_found = client.get("/no-such-page/")
    static = client.get("/static/css/site.css")
    client.force_login(junior)
    forbidden = client.get(reverse("mentoring:people_import"))
    assert [not_found.status_code, static.status_code, forbidden.status_code] == [404, 200, 403]
    for response in (not_found, static, forbidden):
        assert directives(response["Content-Security-Policy"]) == EXPECTED


CSP_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]))
"""


def form_action(**env) -> list[str]:
    result = run(["-c", CSP_PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_form_action_lets_the_sso_sign_in_redirect_to_the_identity_provider():
    # Chromium applies form-action to the redirect after a form post, and allauth's SSO
    # sign-in is a post to us answered with a redirect to the identity provider.
    assert form_action() == ["'self'"]
    oidc = {"OIDC_CLIENT_ID": "rm", "OIDC_CLIENT_SECRET": "s", "OIDC_SERVER_URL": "https://sso.example.com/realms/corp"}
    assert form_action(**oidc) == ["'self'", "https://sso.example.com"]
    assert form_action(**oidc, CSP_FORM_ACTION_ORIGINS="https://login.example.net/oauth2, https://sso.example.com") == [
        "'self'",
        "https://sso.example.com",
        "https://login.example.net",
    ]
    result = run(["-c", CSP_PROBE], CSP_FORM_ACTION_ORIGINS="login.example.net")
    assert result.returncode != 0 and "CSP_FORM_ACTION_ORIGINS must hold absolute URLs" in result.stderr


@pytest.mark.django_db
def test_a_refused_admin_lookup_is_a_friendly_400_with_the_policy_in_production(hr_client, settings):
    settings.DEBUG = False
    response = hr_client.get(reverse("admin:mentoring_user_changelist"), {"password__startswith": "md5"})
    assert response.status_code == 400
    assert "This request was refused" in response.content.decode()
    assert directives(response["Content-Security-Policy"]) == EXPECTED


@pytest.mark.django_db
def test_debug_error_pages_are_left_without_the_policy_so_they_render(hr_client, settings):
    settings.DEBUG = True
    response = hr_client.get(reverse("admin:mentoring_user_changelist"), {"password__startswith": "md5"})
    assert response.status_code == 400 and "Content-Security-Policy" not in response
