"""HR's dashboard: its numbers on a known fixture, its CSV exports, its cost, and the pair actions."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from evaluation.selectors import RiskReason, dashboard, pair_health
from evaluation.services import checkin_submit, hr_note_add
from matching.models import Match
from sessions.models import Meeting, SessionLog
from tests.budgets import assert_flat, measure
from tests.evaluation.helpers import active

pytestmark = pytest.mark.django_db


def pair_button(page: str, program, match) -> str:
    """The action ("pause" or "resume") of the pause button in `match`'s row of the dashboard."""
    url = reverse("evaluation:pair_action", args=[program.pk, match.pk])
    (action,) = re.findall(
        rf'<form method="post" action="{re.escape(url)}"><input[^>]*csrfmiddlewaretoken[^>]*><input type="hidden" name="action" value="(pause|resume)">',
        page,
    )
    return action


def test_dashboard_numbers_on_a_known_fixture_and_csv_matches(hr_client, hr):
    program, people = active(hr, pairs=3)
    (j1, s1), (j2, s2), (j3, s3) = people
    for user, pulse in ((j1, 4), (s1, 5), (j2, 2), (s2, 3)):
        checkin_submit(program=program, user=user, pulse=pulse, meetings_as_planned=True)
    assert dashboard(program=program).checkin_trend == [(1, None, 4, "month in progress")]  # still moving: nothing to subtract from
    month_two = timezone.make_aware(datetime.datetime.combine(program.start_date + datetime.timedelta(days=40), datetime.time(12)))
    with time_machine.travel(month_two, tick=False):
        Meeting.objects.filter(match__members__user=j1, kind="kickoff").update(
            status="held", starts_at=timezone.now() - datetime.timedelta(days=2)
        )
        board = dashboard(program=program)
        assert board.funnel == [("invited", 0), ("applied", 6), ("accepted", 6), ("matched", 6), ("confirmed", 6)]
        assert board.checkin_trend == [(1, 3.5, 4, "")]
        assert board.meetings.months[0].held == 1
        hr_client.force_login(hr)  # the session from 40 days ago has expired
        url = reverse("evaluation:dashboard", args=[program.pk])
        rows = list(csv.reader(io.StringIO(hr_client.get(url, {"csv": "funnel"}).getvalue().decode())))
        assert rows == [["stage", "people"], ["invited", "0"], ["applied", "6"], ["accepted", "6"], ["matched", "6"], ["confirmed", "6"]]
        rows = list(csv.reader(io.StringIO(hr_client.get(url, {"csv": "checkins"}).getvalue().decode())))
        assert rows[1] == ["1", "3.5", "4", ""]
        page = hr_client.get(url).content.decode()
        assert "3.5/5" in page and "low pulse (1 or 2) in this pair" in page
        assert hr_client.get(url, {"print": "1"}).status_code == 200
        assert hr_client.get(url, {"csv": "nope"}).status_code == 404


def test_dashboard_costs_the_same_at_two_sizes(hr_client, hr):
    def program_with(pairs):
        program, people = active(hr, pairs=pairs)
        for junior, senior in people:
            checkin_submit(
                program=program, user=junior, pulse=2, meetings_as_planned=True, flags=["no_time"], reach_out=True, comment="Call me"
            )
            checkin_submit(program=program, user=senior, pulse=4, meetings_as_planned=True)
        for match in Match.objects.filter(program=program):
            hr_note_add(match=match, author=hr, body="Called both.")
        return reverse("evaluation:dashboard", args=[program.pk])

    few, many = program_with(1), program_with(6)
    small = measure(lambda: hr_client.get(few))
    large = measure(lambda: hr_client.get(many))
    # The pairs, their people and HR notes are the page's rows (a page of them: see
    # test_dashboard_pairs.py); no meeting, log or check-in is loaded.
    rows = {"matching.Match", "matching.MatchMember", "mentoring.User", "evaluation.HRNote"}
    assert_flat(small, large, ceiling=25, listed=rows)
    assert not {"mentoring_sessions.Meeting", "mentoring_sessions.SessionLog", "evaluation.CheckIn"} & set(large.instances)
    assert large.result.content.decode().count("Called both.") == 6


def test_hr_pauses_and_resumes_a_struggling_pair(hr_client, hr):
    from notifications.models import Notification
    from notifications.sweep import notifications_sweep

    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    checkin_submit(program=program, user=junior, pulse=1, meetings_as_planned=False, flags=["no_time"])
    assert pair_health(program=program)[0].reasons
    hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"action": "pause"})
    match.refresh_from_db()
    assert match.status == "paused" and pair_health(program=program)[0].reasons == []
    assert pair_button(hr_client.get(reverse("evaluation:dashboard", args=[program.pk])).content.decode(), program, match) == "resume"
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="scheduled", starts_at=timezone.now() + datetime.timedelta(hours=5))
    with time_machine.travel(timezone.now(), tick=False):
        notifications_sweep()
    assert not Notification.objects.filter(kind="meeting_reminder").exists()  # paused: no reminders
    hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"action": "resume"})
    match.refresh_from_db()
    assert match.status == "confirmed"
    page = hr_client.get(reverse("evaluation:dashboard", args=[program.pk])).content.decode()
    assert pair_button(page, program, match) == "pause"  # this pair's button, not any "Pause" on the page


def test_reasons_are_codes_so_a_translated_dashboard_counts_and_shows_the_same(hr_client, hr, monkeypatch):
    program, ((junior, senior),) = active(hr)
    kickoff = Meeting.objects.get(match__program=program, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
    SessionLog.objects.create(meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="lots", learned="")
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60, shared="", learned="lots")
    checkin_submit(program=program, user=senior, pulse=1, meetings_as_planned=True)
    # A stand-in catalog: every message comes out "translated", as it would in German.
    monkeypatch.setattr(translation._trans, "gettext", lambda message: f"[de] {message}", raising=False)
    board = dashboard(program=program)
    (pair,) = pair_health(program=program)
    assert pair.reason_codes == [RiskReason.LOW_PULSE, RiskReason.ONE_WAY]
    assert board.two_way_share == 0  # the one-way pair is found by its code, whatever the label says
    labels = ["[de] low pulse (1 or 2) in this pair", "[de] one-way street: not both sides share and learn"]
    assert [reason.label for reason in pair.reasons] == labels
    url = reverse("evaluation:dashboard", args=[program.pk])
    page = hr_client.get(url).content.decode()
    assert all(label in page for label in labels)
    rows = list(csv.reader(io.StringIO(hr_client.get(url, {"csv": "pairs"}).getvalue().decode())))
    assert rows[1][1:3] == ["yes", "; ".join(labels)]
