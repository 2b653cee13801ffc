"""Who may open or post to each sessions route, for a pair A: its two members, a member of
another pair of the same program, someone in no pair, and HR (with its second factor).
Anonymous visitors and HR without the second factor: tests/test_url_access.py."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from matching.models import Match
from sessions.models import ActionItem, Meeting, Note
from tests.sessions.conftest import confirmed_pairs, soon
from tests.sessions.factories import ActionItemFactory

pytestmark = pytest.mark.django_db
MEMBERS_ONLY = {"member": 200, "partner": 200, "other_pair": 404, "outsider": 404, "hr": 404}
MEMBERS_POST = {"member": 302, "partner": 302, "other_pair": 404, "outsider": 404, "hr": 404}


@pytest.fixture
def world(hr, outsider):
    program, ((junior_a, senior_a), (junior_b, _senior_b)) = confirmed_pairs(hr, pairs=2)
    match = Match.objects.get(program=program, members__user=junior_a)
    return SimpleNamespace(
        program=program,
        match=match,
        people={"member": junior_a, "partner": senior_a, "other_pair": junior_b, "outsider": outsider, "hr": hr},
        kickoff=Meeting.objects.get(match=match, kind="kickoff"),
        group_session=Meeting.objects.get(program=program, match=None, month=3),
        action=ActionItemFactory(match=match, owner=junior_a),
    )


def answers(client, world, method, url, data=None):
    statuses = {}
    for persona, person in world.people.items():
        client.force_login(person)
        statuses[persona] = getattr(client, method)(url, data or {}).status_code
    return statuses


ROUTES = [
    ("pair space", "get", lambda w: reverse("mentoring_sessions:pair", args=[w.match.pk]), MEMBERS_ONLY),
    ("pair meeting", "get", lambda w: w.kickoff.get_absolute_url(), MEMBERS_ONLY),
    (
        "program-wide session",
        "get",
        lambda w: w.group_session.get_absolute_url(),
        {"member": 200, "partner": 200, "other_pair": 200, "outsider": 404, "hr": 200},
    ),
    (
        "HR meetings",
        "get",
        lambda w: reverse("mentoring_sessions:hr_meetings", args=[w.program.pk]),
        {"member": 403, "partner": 403, "other_pair": 403, "outsider": 403, "hr": 200},
    ),
    ("calendar settings", "get", lambda w: reverse("mentoring_sessions:calendar"), dict.fromkeys(MEMBERS_ONLY, 200)),
]


@pytest.mark.parametrize(("route", "method", "url", "expected"), ROUTES, ids=[route[0] for route in ROUTES])
def test_who_opens_each_page(client, world, route, method, url, expected):
    assert answers(client, world, method, url(world)) == expected


def test_only_the_pair_writes_notes_in_its_space(client, world):
    url = reverse("mentoring_sessions:note_add", args=[world.match.pk])
    assert answers(client, world, "post", url, {"body": "Our next topic", "visibility": "shared"}) == MEMBERS_POST
    assert sorted(Note.objects.filter(match=world.match).values_list("author__email", flat=True)) == sorted(
        [world.people["member"].email, world.people["partner"].email]
    )


def test_only_the_pair_adds_action_items(client, world):
    url = reverse("mentoring_sessions:action_add", args=[world.match.pk])
    assert answers(client, world, "post", url, {"title": "Try the new tool"}) == MEMBERS_POST
    assert set(ActionItem.objects.filter(match=world.match, title="Try the new tool").values_list("created_by__email", flat=True)) == {
        world.people["member"].email,
        world.people["partner"].email,
    }


@pytest.mark.parametrize(("persona", "status", "toggled"), [(persona, status, status == 302) for persona, status in MEMBERS_POST.items()])
def test_only_the_pair_ticks_off_its_action_items(client, world, persona, status, toggled):
    client.force_login(world.people[persona])
    response = client.post(reverse("mentoring_sessions:action_toggle", args=[world.match.pk, world.action.pk]))
    world.action.refresh_from_db()
    assert (response.status_code, world.action.done) == (status, toggled)


def test_an_item_of_another_pair_is_not_found_through_ones_own_space(client, world, hr):
    """The item's pair is checked, not only the space in the URL."""
    _program, ((junior_c, _senior_c),) = confirmed_pairs(hr)
    own_match = Match.objects.get(members__user=junior_c)
    client.force_login(junior_c)
    response = client.post(reverse("mentoring_sessions:action_toggle", args=[own_match.pk, world.action.pk]))
    world.action.refresh_from_db()
    assert (response.status_code, world.action.done) == (404, False)


def test_only_the_pair_acts_on_its_meeting(client, world):
    """A POST to another pair's meeting (here: cancelling it) is a 404 and changes nothing."""
    Meeting.objects.filter(pk=world.kickoff.pk).update(status="scheduled", starts_at=soon(3))
    for persona in ("other_pair", "outsider", "hr"):
        client.force_login(world.people[persona])
        assert client.post(world.kickoff.get_absolute_url(), {"action": "cancel", "reason": "Not mine"}).status_code == 404, persona
    world.kickoff.refresh_from_db()
    assert world.kickoff.status == "scheduled" and world.kickoff.cancel_reason == ""
