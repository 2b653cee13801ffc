"""Audit of every URL the project defines: none may leak to an anonymous visitor.

New views are picked up automatically, so a forgotten access check fails here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Public on purpose: the health probe, the calendar feed and one-click unsubscribe (secret or
# signed tokens; unknown ones 404).
PUBLIC = {"healthz": {200, 503}, "mentoring_sessions:feed": {404}, "mentoring:unsubscribe": {404}}
PROJECT_APPS = {"mentoring", "programs", "matching", "sessions", "evaluation"}


def project_url_names():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in PROJECT_APPS:
                    yield f"{namespace}{pattern.name}", pattern

    return list(walk(get_resolver().url_patterns))


def fake_args(pattern):
    return [1 for _ in pattern.pattern.converters]


def test_the_audit_sees_the_views():
    names = {name for name, _ in project_url_names()}
    assert {"mentoring:home", "mentoring:directory", "mentoring:people_import_preview", "healthz"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), project_url_names(), ids=lambda value: value if isinstance(value, str) else "")
def test_anonymous_visitors_are_sent_to_sign_in(client, name, pattern):
    url = reverse(name, args=fake_args(pattern))
    response = client.get(url)
    if name in PUBLIC:
        assert response.status_code in PUBLIC[name]
        return
    assert response.status_code == 302, f"{name} answered {response.status_code} to an anonymous visitor"
    assert response["Location"].startswith(reverse("account_login"))
