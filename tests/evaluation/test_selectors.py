"""Reads: the pairs' at-risk reasons and milestones, and the survey's aggregates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluation.selectors import MilestoneKind, PairSignal, RiskReason, pair_health, survey_for, survey_results
from evaluation.services import checkin_submit, survey_close, survey_open
from matching.models import Match
from sessions.models import Meeting, SessionLog
from tests.evaluation.helpers import active, answer, evaluating

pytestmark = pytest.mark.django_db


def test_no_meeting_in_the_last_period_is_a_risk(hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    assert not pair_health(program=program)[0].reasons  # just confirmed: give them time
    Match.objects.filter(pk=match.pk).update(confirmed_at=timezone.now() - datetime.timedelta(days=40))
    (health,) = pair_health(program=program)
    assert health.reasons == [PairSignal(RiskReason.NO_RECENT_MEETING, {"days": 31})]
    assert [reason.label for reason in health.reasons] == ["no meeting held in the last 31 days"]
    Meeting.objects.filter(match=match, kind="kickoff").update(status="held", starts_at=timezone.now() - datetime.timedelta(days=3))
    (health,) = pair_health(program=program)
    assert health.reasons == []
    assert health.milestones == [PairSignal(MilestoneKind.KICKOFF_HELD)] and health.milestones[0].label == "kickoff held"


def test_two_missed_meetings_are_a_risk(hr):
    program, _people = active(hr)
    match = Match.objects.get(program=program)
    ids = list(Meeting.objects.filter(match=match).values_list("pk", flat=True)[:2])
    last_week = timezone.now() - datetime.timedelta(days=7)  # a missed meeting had a time (the database insists)
    Meeting.objects.filter(pk__in=ids[:1]).update(status="missed", starts_at=last_week)
    assert RiskReason.MISSED_MEETINGS not in pair_health(program=program)[0].reason_codes
    Meeting.objects.filter(pk__in=ids).update(status="missed", starts_at=last_week)
    (health,) = pair_health(program=program)
    assert PairSignal(RiskReason.MISSED_MEETINGS, {"count": 2}) in health.reasons
    assert "2 missed meetings" in [reason.label for reason in health.reasons]


def test_low_pulse_flags_and_reach_out_are_risks_and_comments_stay_private_otherwise(hr):
    program, ((junior, senior),) = active(hr)
    checkin_submit(program=program, user=senior, pulse=4, meetings_as_planned=True, comment="private thought")
    health = pair_health(program=program)[0]
    assert health.reasons == [] and health.reach_outs == []
    checkin_submit(
        program=program,
        user=junior,
        pulse=2,
        meetings_as_planned=False,
        flags=["senior_not_serious"],
        comment="Please call me",
        reach_out=True,
    )
    health = pair_health(program=program)[0]
    assert health.reasons == [
        PairSignal(RiskReason.LOW_PULSE),
        PairSignal(RiskReason.CHALLENGE, {"challenge": "senior_not_serious"}),
        PairSignal(RiskReason.REACH_OUT),
    ]
    assert [reason.label for reason in health.reasons] == [
        "low pulse (1 or 2) in this pair",
        "challenge raised in this pair: the senior doesn't take it seriously",
        "someone in this pair asked HR to reach out",
    ]
    assert health.reach_outs == [(junior.get_full_name(), "Please call me")]


def test_one_way_street_is_a_risk(hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
    SessionLog.objects.create(meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="lots", learned="")
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60, shared="", learned="lots")
    (health,) = pair_health(program=program)
    assert health.reason_codes == [RiskReason.ONE_WAY]
    assert health.reasons[0].label == "one-way street: not both sides share and learn"


def test_aggregates_hide_groups_under_three(hr):
    from django.db import transaction

    program, people = evaluating(hr, 3)
    survey = survey_for(program=program)
    survey_open(survey=survey, by=hr)
    juniors = [j for j, _s in people]
    answer(survey, juniors[0], 5, True)
    answer(survey, juniors[1], 3, False)
    with transaction.atomic():
        survey_close(survey=survey, by=hr)
        satisfaction = next(a for a in survey_results(survey=survey) if a.question.key == "satisfaction")
        assert satisfaction.respondents == 2 and satisfaction.hidden and satisfaction.average is None
        transaction.set_rollback(True)
    survey.refresh_from_db()
    answer(survey, juniors[2], 4, True)
    satisfaction = next(a for a in survey_results(survey=survey) if a.question.key == "satisfaction")
    assert satisfaction.respondents == 3 and satisfaction.hidden  # nothing while the survey is open
    survey_close(survey=survey, by=hr)
    results = {a.question.key: a for a in survey_results(survey=survey)}
    assert not results["satisfaction"].hidden and results["satisfaction"].average == 4.0
    assert results["relationship"].yes_share == 67
    seniors_only = {a.question.key: a for a in survey_results(survey=survey, role="senior")}
    assert seniors_only["satisfaction"].hidden  # nobody on that side…
    juniors_only = {a.question.key: a for a in survey_results(survey=survey, role="junior")}
    assert juniors_only["satisfaction"].average == 4.0  # …so the juniors are everyone, and nothing is given away
    with pytest.raises(ValidationError, match="not open"):
        answer(survey, people[0][1], 1, False)  # closed: the results are final
