"""The portal home shows what is next: the person's next meeting (its time in their own time
zone, their partner, the month's topic, their side's preparation checklist) and flags what is
overdue (a kickoff planned by a date that has passed, offered times nobody picked, a log not
written after a meeting). Costs the same at two sizes."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Meeting, TimeOption
from tests.budgets import assert_flat, measure
from tests.matching.factories import MatchFactory
from tests.programs.factories import TopicFactory
from tests.sessions.factories import MeetingFactory, SessionLogFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC)


def home(client, person) -> str:
    client.force_login(person)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


def card(page: str, heading_id: str) -> str:
    found = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)
    return found.group(1) if found else ""


@time_machine.travel(NOW, tick=False)
def test_home_shows_the_next_meeting_in_my_time_zone_with_partner_topic_and_checklist(client, junior, senior):
    junior.timezone = "Europe/Berlin"
    junior.save(update_fields=["timezone"])
    match = MatchFactory(junior=junior, senior=senior, program__name="Next program")
    topic = TopicFactory(name="AI pair programming")
    MeetingFactory(match=match, title="Month 2 session", status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 4, 1), month=2)
    MeetingFactory(
        match=match,
        title="Month 1 session",
        topic=topic,
        status=Meeting.Status.SCHEDULED,
        starts_at=datetime.datetime(2026, 3, 10, 14, 0, tzinfo=datetime.UTC),
    )
    next_card = card(home(client, junior), "next-heading")
    assert "Month 1 session" in next_card and "Month 2 session" not in next_card
    assert "Tuesday 10 March 2026, 15:00" in next_card  # 14:00 UTC in Berlin
    assert "Europe/Berlin" in next_card
    assert senior.get_full_name() in next_card and "Your senior mentee" in next_card
    assert "AI pair programming" in next_card
    assert "Prepare the topic for the session" in next_card and "Bring openness" not in next_card
    # The senior sees the same meeting with their own side's checklist.
    senior_card = card(home(client, senior), "next-heading")
    assert "Month 1 session" in senior_card and junior.get_full_name() in senior_card
    assert "Bring openness" in senior_card and "Prepare the topic for the session" not in senior_card


@time_machine.travel(NOW, tick=False)
def test_a_meeting_going_on_now_is_the_next_one_not_an_overdue_log(client, junior):
    match = MatchFactory(junior=junior)
    MeetingFactory(match=match, title="Going on", status=Meeting.Status.SCHEDULED, starts_at=NOW - datetime.timedelta(minutes=10))
    MeetingFactory(match=match, title="Later", status=Meeting.Status.SCHEDULED, starts_at=NOW + datetime.timedelta(days=7))
    page = home(client, junior)
    assert "Going on" in card(page, "next-heading") and 'id="overdue-heading"' not in page


@time_machine.travel(NOW, tick=False)
def test_without_a_time_the_next_meeting_is_the_one_to_schedule(client, junior):
    match = MatchFactory(junior=junior)
    MeetingFactory(
        match=match, kind=Meeting.Kind.KICKOFF, title="Kickoff", status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 3, 20)
    )
    next_card = card(home(client, junior), "next-heading")
    assert "Kickoff" in next_card and "plan to meet by 20 March 2026" in next_card and "Find a time" in next_card


def test_an_overdue_kickoff_is_flagged_once_its_date_has_passed(client, junior):
    match = MatchFactory(junior=junior)
    MeetingFactory(
        match=match, kind=Meeting.Kind.KICKOFF, title="Kickoff", status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 3, 1)
    )
    with time_machine.travel(datetime.datetime(2026, 2, 27, 9, tzinfo=datetime.UTC), tick=False):
        assert 'id="overdue-heading"' not in home(client, junior)
    with time_machine.travel(NOW, tick=False):
        overdue = card(home(client, junior), "overdue-heading")
    assert "Kickoff" in overdue and "Planned by 1 March 2026, and no time has been offered yet." in overdue


@time_machine.travel(NOW, tick=False)
def test_offered_times_never_picked_past_the_planned_date_are_flagged(client, junior, senior):
    match = MatchFactory(junior=junior, senior=senior)
    meeting = MeetingFactory(
        match=match, title="Month 1 session", status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 3, 2), proposed_by=senior
    )
    TimeOption.objects.create(meeting=meeting, starts_at=NOW + datetime.timedelta(days=2), proposed_by=senior)
    overdue = card(home(client, junior), "overdue-heading")
    assert "Month 1 session" in overdue and "Times were offered but none was picked" in overdue


@time_machine.travel(NOW, tick=False)
def test_a_held_meeting_without_my_log_is_flagged_until_I_write_it(client, junior, senior):
    match = MatchFactory(junior=junior, senior=senior)
    meeting = MeetingFactory(match=match, title="Held session", status=Meeting.Status.HELD, starts_at=NOW - datetime.timedelta(days=2))
    SessionLogFactory(meeting=meeting, author=senior)
    assert "your session log is not written yet" in card(home(client, junior), "overdue-heading")
    assert 'id="overdue-heading"' not in home(client, senior)  # the senior has logged it
    SessionLogFactory(meeting=meeting, author=junior)
    assert 'id="overdue-heading"' not in home(client, junior)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("persona", ["outsider", "hr", "senior_manager"])
def test_nobody_outside_the_pair_sees_its_next_meeting_or_overdue_items(client, request, junior, senior, persona):
    match = MatchFactory(junior=junior, senior=senior)
    MeetingFactory(match=match, title="Private session", status=Meeting.Status.SCHEDULED, starts_at=NOW + datetime.timedelta(days=1))
    MeetingFactory(match=match, title="Late kickoff", status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 3, 1))
    page = home(client, request.getfixturevalue(persona))
    assert "Private session" not in page and "Late kickoff" not in page


def pairs_with_meetings(junior, count):
    for _ in range(count):
        match = MatchFactory(junior=junior)
        MeetingFactory(match=match, status=Meeting.Status.SCHEDULED, starts_at=NOW + datetime.timedelta(days=3), topic=TopicFactory())
        MeetingFactory(match=match, kind=Meeting.Kind.KICKOFF, status=Meeting.Status.PROPOSED, due_by=datetime.date(2026, 3, 1))
        MeetingFactory(match=match, status=Meeting.Status.HELD, starts_at=NOW - datetime.timedelta(days=2))


@time_machine.travel(NOW, tick=False)
def test_home_with_next_meeting_and_overdue_items_costs_the_same_at_two_sizes(client, junior):
    client.force_login(junior)
    url = reverse("portal:home")
    pairs_with_meetings(junior, 2)
    small = measure(lambda: client.get(url))
    pairs_with_meetings(junior, 8)
    large = measure(lambda: client.get(url))
    assert 'id="next-heading"' in large.result.content.decode() and 'id="overdue-heading"' in large.result.content.decode()
    listed = {
        "programs.Program",
        "matching.Match",
        "matching.MatchMember",
        "mentoring.User",
        "mentoring.Department",
        "mentoring_sessions.Meeting",
    }
    assert_flat(small, large, ceiling=22, listed=listed)
    # The overdue list is capped: the home flags the oldest few, not every meeting of every pair.
    assert large.instances["mentoring_sessions.Meeting"] <= 3 * 5 + 1
