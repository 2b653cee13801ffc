"""Issue 14, item 12: the demo reads like a program that lived: its timeline, outbox, meetings,
logs, notes and check-ins are dated over the program's story, and each pair has its own notes
and action items."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from evaluation.models import CheckIn, Recommendation
from matching.models import Match
from notifications.models import Notification
from portal.demo import DEMO_PROGRAM_NAME
from programs.models import Application, Program, ProgramTransition
from sessions.models import ActionItem, Meeting, Note, SessionLog

pytestmark = pytest.mark.django_db


def test_the_demo_is_dated_over_its_story_and_its_pairs_differ():
    before = timezone.now()
    call_command("seed_demo")
    program = Program.objects.get(name=DEMO_PROGRAM_NAME)
    week_ago = before - datetime.timedelta(days=7)

    # The timeline: draft, recruiting, matching, active, weeks apart and in that order.
    transitions = list(ProgramTransition.objects.filter(program=program).order_by("at", "pk"))
    assert [t.to_status for t in transitions][-3:] == ["recruiting", "matching", "active"]
    assert all(t.at < week_ago for t in transitions)
    assert (transitions[-1].at - transitions[0].at).days >= 30
    assert program.created_at < transitions[0].at + datetime.timedelta(minutes=1)
    assert len({a.submitted_at.date() for a in Application.objects.filter(program=program)}) >= 8

    # The outbox: mails over weeks, sent when they were written; none waits to go out weeks late.
    mails = Notification.objects.filter(program=program)
    assert mails.exists()
    days = {mail.created_at.date() for mail in mails}
    assert len(days) >= 10 and min(days) <= (before - datetime.timedelta(days=70)).date()
    assert not mails.filter(created_at__gte=before).exists()
    for mail in mails.filter(status="sent"):
        assert mail.created_at <= mail.sent_at < mail.created_at + datetime.timedelta(hours=1)

    # Meetings, logs, notes, action items, check-ins and recommendations: all in the past, spread out.
    for model, field in ((Meeting, "created_at"), (SessionLog, "created_at"), (Note, "created_at"), (ActionItem, "created_at")):
        stamps = list(
            model.objects.filter(**{"match__program" if model is not SessionLog else "meeting__program": program}).values_list(
                field, flat=True
            )
        )
        assert stamps and max(stamps) < before, model
    logs = SessionLog.objects.filter(meeting__program=program)
    assert len({log.created_at.date() for log in logs}) >= 4
    assert all(log.created_at > log.meeting.starts_at for log in logs.select_related("meeting") if log.held)
    assert len({n.created_at.date() for n in Note.objects.filter(match__program=program)}) >= 3
    assert all(c.created_at < before for c in CheckIn.objects.filter(program=program))
    assert all(r.created_at < week_ago for r in Recommendation.objects.filter(program=program))
    assert all(m.confirmed_at < week_ago for m in Match.objects.filter(program=program, status="confirmed"))

    # Each pair its own notes and action items.
    pairs = Match.objects.filter(program=program, status="confirmed")
    notes = {(n.match_id, n.visibility): n.body for n in Note.objects.filter(match__in=pairs)}
    assert len(set(notes.values())) == len(notes) >= 6
    actions = list(ActionItem.objects.filter(match__in=pairs).values_list("title", flat=True))
    assert len(set(actions)) == len(actions) >= 3
    kickoff_logs = list(SessionLog.objects.filter(meeting__match__in=pairs, meeting__kind="kickoff").values_list("shared", flat=True))
    assert len(set(kickoff_logs)) == len(kickoff_logs) >= 6

    # Still idempotent: a second run changes nothing.
    counts = (Notification.objects.count(), ProgramTransition.objects.count(), Note.objects.count())
    call_command("seed_demo")
    assert (Notification.objects.count(), ProgramTransition.objects.count(), Note.objects.count()) == counts
