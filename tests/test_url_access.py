"""Audit of every URL the project defines: none may leak to an anonymous visitor.

New views are picked up automatically, so a forgotten access check fails here.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Public on purpose: the health probe, the calendar feed and one-click unsubscribe (secret or
# signed tokens; unknown ones 404).
PUBLIC = {
    "healthz": {200, 503},
    "mentoring_sessions:feed": {404},
    "notifications:unsubscribe": {404},
    "mentoring:language": {405},  # the language switch: a POST from any page, signed in or not (tests/mentoring/test_language.py)
}
PROJECT_APPS = {"mentoring", "notifications", "programs", "matching", "sessions", "evaluation", "portal"}


def project_url_names():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                # Django admin has its own gate (staff + MFA), tested in tests/mentoring/test_admin.py.
                if module.split(".")[0] in PROJECT_APPS and not namespace.startswith("admin:"):
                    yield f"{namespace}{pattern.name}", pattern

    return list(walk(get_resolver().url_patterns))


def fake_args(pattern):
    return [1 for _ in pattern.pattern.converters]


def test_the_audit_sees_the_views():
    names = {name for name, _ in project_url_names()}
    assert {"portal:home", "mentoring:directory", "mentoring:people_import_preview", "healthz"} <= names


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


# --- HR without the second factor has no more power than any employee ------------------------
def world_args(world):
    """Real objects for every URL parameter, so views run past their lookups."""
    by_parameter = {
        "pk": world["program"].pk,
        "match_pk": world["match"].pk,
        "item_pk": world["action"].pk,
        "rule_pk": world["rule"].pk,
        "application_pk": world["application"].pk,
        "template_key": "tech",
    }
    by_route = {
        "mentoring_sessions:meeting": {"pk": world["group_session"].pk},
        "matching:my_match": {"pk": world["match"].pk},
        "programs:topic_edit": {"pk": world["topic"].pk},
        "mentoring:people_import_preview": {"pk": world["people_import"].pk},
        "programs:invitation": {"token": world["invitation"].token},
        "mentoring_sessions:feed": {"token": world["feed"].token},
        "notifications:unsubscribe": {"token": world["unsubscribe"]},
        "evaluation:survey_answers": {"question_pk": 1},  # HR's gate answers before any lookup
    }
    return by_parameter, by_route


@pytest.fixture
def world(hr, outsider):
    from matching.models import Match
    from mentoring.models import PeopleImport
    from notifications.emails import unsubscribe_token
    from programs.models import Application, Invitation, Topic
    from sessions.models import Meeting
    from tests.matching.factories import PairRuleFactory
    from tests.sessions.conftest import confirmed_pairs
    from tests.sessions.factories import ActionItemFactory, CalendarFeedFactory

    program, ((junior, senior),) = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    return {
        "program": program,
        "match": match,
        "action": ActionItemFactory(match=match, owner=junior),
        "rule": PairRuleFactory(program=program, junior=junior, senior=senior, created_by=hr),
        "application": Application.objects.get(program=program, user=junior),
        "group_session": Meeting.objects.get(program=program, match=None, month=3),
        "topic": Topic.objects.first(),
        "people_import": PeopleImport.objects.create(uploaded_by=hr, filename="people.csv", content="email\n"),
        "invitation": Invitation.objects.create(program=program, user=junior, invited_by=hr),
        "feed": CalendarFeedFactory(user=junior),
        "unsubscribe": unsubscribe_token(junior, "meeting_reminder"),
    }


def url_with_world(name, pattern, world):
    by_parameter, by_route = world_args(world)
    kwargs = {}
    for parameter in pattern.pattern.converters:
        value = by_route.get(name, {}).get(parameter, by_parameter.get(parameter))
        assert value is not None, f"{name}: no test object for <{parameter}>: add one to world_args"
        kwargs[parameter] = value
    return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pattern"), project_url_names(), ids=lambda value: value if isinstance(value, str) else "")
def test_hr_without_mfa_gets_nothing_an_employee_does_not(client, world, hr_without_mfa, outsider, name, pattern):
    """Every route, GET and POST: an HR coordinator without an authenticator is sent to set
    one up, or answered exactly like an employee with no HR role."""
    from django.conf import settings

    assert settings.HR_REQUIRE_MFA
    url = url_with_world(name, pattern, world)
    for method in ("get", "post"):
        client.force_login(outsider)
        employee = getattr(client, method)(url)
        client.force_login(hr_without_mfa)
        response = getattr(client, method)(url)
        if response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp")):
            continue
        assert response.status_code == employee.status_code, (
            f"{method.upper()} {name}: HR without MFA got {response.status_code}, an employee {employee.status_code}"
        )
        assert response.status_code != 200 or name in EMPLOYEE_PAGES or (method == "post" and employee.status_code == 200), (
            f"{method.upper()} {name}"
        )


# Pages every signed-in employee may open (HR without MFA sees them as an employee would).
EMPLOYEE_PAGES = {
    "portal:home", "mentoring:profile", "notifications:preferences", "notifications:unsubscribe", "portal:programs",
    "programs:detail", "programs:invitation", "mentoring_sessions:calendar", "mentoring_sessions:feed", "healthz",
}  # fmt: skip
