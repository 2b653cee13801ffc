"""Check-ins and at-risk rules, the survey's privacy threshold, recommendations, the
dashboard's numbers and exports, and who may see what."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CheckIn, Question, Recommendation, Survey
from evaluation.selectors import dashboard, pair_health, survey_results
from evaluation.services import (
    checkin_submit,
    hr_note_add,
    kudos_send,
    question_add,
    recommendation_submit,
    recommendation_update,
    response_submit,
    survey_close,
    survey_for,
    survey_open,
)
from matching.models import Match
from programs.models import Program
from programs.services import program_transition
from sessions.models import Meeting, SessionLog
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db


def active(hr, pairs=1):
    program, people = confirmed_pairs(hr, pairs=pairs)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    program.refresh_from_db()
    return program, people


def reasons_of(program):
    return {tuple(sorted(m.user.email for m in p.match.members.all())): p.reasons for p in pair_health(program)}


# --- check-ins and at-risk rules --------------------------------------------------------------
def test_checkin_guards(hr, outsider):
    program, ((junior, senior),) = active(hr)
    checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
    with pytest.raises(ValidationError, match="already checked in"):
        checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
    with pytest.raises(PermissionDenied):
        checkin_submit(program=program, user=outsider, pulse=4, meetings_as_planned=True)
    with pytest.raises(ValidationError):
        checkin_submit(program=program, user=senior, pulse=9, meetings_as_planned=True)
    with pytest.raises(ValidationError):
        checkin_submit(program=program, user=senior, pulse=3, meetings_as_planned=True, flags=["bored"])
    assert CheckIn.objects.count() == 1


def test_no_meeting_in_the_last_period_is_a_risk(hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    assert not pair_health(program)[0].reasons  # just confirmed: give them time
    Match.objects.filter(pk=match.pk).update(confirmed_at=timezone.now() - datetime.timedelta(days=40))
    assert pair_health(program)[0].reasons == ["no meeting held in the last 31 days"]
    Meeting.objects.filter(match=match, kind="kickoff").update(status="held", starts_at=timezone.now() - datetime.timedelta(days=3))
    assert pair_health(program)[0].reasons == []
    assert pair_health(program)[0].milestones == ["kickoff held"]


def test_two_missed_meetings_are_a_risk(hr):
    program, _people = active(hr)
    match = Match.objects.get(program=program)
    ids = list(Meeting.objects.filter(match=match).values_list("pk", flat=True)[:2])
    Meeting.objects.filter(pk__in=ids[:1]).update(status="missed")
    assert "missed meetings" not in " ".join(pair_health(program)[0].reasons)
    Meeting.objects.filter(pk__in=ids).update(status="missed")
    assert "2 missed meetings" in pair_health(program)[0].reasons


def test_low_pulse_flags_and_reach_out_are_risks_and_comments_stay_private_otherwise(hr):
    program, ((junior, senior),) = active(hr)
    checkin_submit(program=program, user=senior, pulse=4, meetings_as_planned=True, comment="private thought")
    health = pair_health(program)[0]
    assert health.reasons == [] and health.reach_outs == []
    checkin_submit(program=program, user=junior, pulse=2, meetings_as_planned=False, flags=["senior_not_serious"], comment="Please call me", reach_out=True)
    health = pair_health(program)[0]
    assert health.reasons == ["low pulse (1 or 2) in this pair", "challenge raised in this pair: the senior doesn't take it seriously", "someone in this pair asked HR to reach out"]
    assert health.reach_outs == [(junior.get_full_name(), "Please call me")]


def test_one_way_street_is_a_risk(hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
    SessionLog.objects.create(meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="lots", learned="")
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60, shared="", learned="lots")
    assert "one-way street: not both sides share and learn" in pair_health(program)[0].reasons


def test_hr_notes_and_kudos_are_for_coordinators(hr, junior):
    program, ((j, s),) = active(hr)
    match = Match.objects.get(program=program)
    hr_note_add(match=match, author=hr, body="Called both; moving to Thursdays.")
    assert pair_health(program)[0].hr_notes[0].body == "Called both; moving to Thursdays."
    with pytest.raises(PermissionDenied):
        hr_note_add(match=match, author=j, body="x")
    assert kudos_send(match=match, by=hr, message="Well done!") == 2
    with pytest.raises(PermissionDenied):
        kudos_send(match=match, by=j, message="x")


# --- survey --------------------------------------------------------------------------------------
def evaluating(hr, pairs):
    program, people = active(hr, pairs=pairs)
    program_transition(program=program, to_status=Program.Status.EVALUATING, by=hr, force=True, reason="Test")
    program.refresh_from_db()
    return program, people


def answer(survey, user, satisfaction, relationship, **extra):
    values = {}
    for question in survey.questions.all():
        values[question.pk] = {"satisfaction": satisfaction, "relationship": "yes" if relationship else "no", "continue": "yes", "skills": "Git", "worked": "Time", "change": "More"}.get(question.key, extra.get(question.text))
    return response_submit(survey=survey, user=user, answers=values)


def test_entering_evaluation_prepares_the_survey_and_hr_can_add_questions(hr):
    program, _people = evaluating(hr, 1)
    survey = Survey.objects.get(program=program)
    assert [q.key for q in survey.questions.all()] == ["satisfaction", "skills", "skills_topics", "relationship", "continue", "worked", "change"]
    question_add(survey=survey, kind=Question.Kind.CHOICE, text="Best format?", choices=["1:1", "group"])
    with pytest.raises(ValidationError):
        question_add(survey=survey, kind=Question.Kind.CHOICE, text="Only one option", choices=["a"])
    survey_open(survey=survey, by=hr)
    with pytest.raises(ValidationError, match="before the survey is sent"):
        question_add(survey=survey, kind=Question.Kind.TEXT, text="Late question")


def test_aggregates_hide_groups_under_three(hr):
    from django.db import transaction

    program, people = evaluating(hr, 3)
    survey = survey_for(program)
    survey_open(survey=survey, by=hr)
    juniors = [j for j, _s in people]
    answer(survey, juniors[0], 5, True)
    answer(survey, juniors[1], 3, False)
    with transaction.atomic():
        survey_close(survey=survey, by=hr)
        satisfaction = next(a for a in survey_results(survey) if a.question.key == "satisfaction")
        assert satisfaction.respondents == 2 and satisfaction.hidden and satisfaction.average is None
        transaction.set_rollback(True)
    survey.refresh_from_db()
    answer(survey, juniors[2], 4, True)
    satisfaction = next(a for a in survey_results(survey) if a.question.key == "satisfaction")
    assert satisfaction.respondents == 3 and satisfaction.hidden  # nothing while the survey is open
    survey_close(survey=survey, by=hr)
    results = {a.question.key: a for a in survey_results(survey)}
    assert not results["satisfaction"].hidden and results["satisfaction"].average == 4.0
    assert results["relationship"].yes_share == 67
    seniors_only = {a.question.key: a for a in survey_results(survey, role="senior")}
    assert seniors_only["satisfaction"].hidden  # nobody on that side…
    juniors_only = {a.question.key: a for a in survey_results(survey, role="junior")}
    assert juniors_only["satisfaction"].average == 4.0  # …so the juniors are everyone, and nothing is given away
    with pytest.raises(ValidationError, match="not open"):
        answer(survey, people[0][1], 1, False)  # closed: the results are final


def test_survey_guards(hr, outsider):
    program, ((junior, senior),) = evaluating(hr, 1)
    survey = survey_for(program)
    with pytest.raises(ValidationError, match="not open"):
        answer(survey, junior, 4, True)
    survey_open(survey=survey, by=hr)
    with pytest.raises(PermissionDenied):
        answer(survey, outsider, 4, True)
    with pytest.raises(ValidationError):
        response_submit(survey=survey, user=junior, answers={})  # required questions missing
    answer(survey, junior, 4, True)
    with pytest.raises(ValidationError, match="already answered"):
        answer(survey, junior, 4, True)


# --- recommendations ----------------------------------------------------------------------------------
def test_recommendation_workflow(hr, outsider):
    program, ((junior, senior),) = active(hr)
    recommendation = recommendation_submit(program=program, by=junior, title="Dev containers", description="Faster onboarding", area="technology", expected_impact="high", coauthors=[senior, outsider])
    assert set(recommendation.authors.all()) == {junior, senior}  # outsiders are not co-authors
    with pytest.raises(PermissionDenied):
        recommendation_submit(program=program, by=outsider, title="x", description="y", area="culture", expected_impact="low")
    with pytest.raises(ValidationError, match="cannot become adopted"):
        recommendation_update(recommendation=recommendation, by=hr, status="adopted", leadership_response="Yes", follow_up_date=timezone.localdate())
    recommendation_update(recommendation=recommendation, by=hr, status="under_review")
    with pytest.raises(ValidationError):
        recommendation_update(recommendation=recommendation, by=hr, status="adopted", leadership_response="Yes")  # follow-up date missing
    with pytest.raises(PermissionDenied):
        recommendation_update(recommendation=recommendation, by=junior, status="adopted", leadership_response="Yes", follow_up_date=timezone.localdate())
    recommendation_update(recommendation=recommendation, by=hr, status="adopted", leadership_response="Funded", follow_up_date=timezone.localdate())
    assert Recommendation.objects.get().status == "adopted"


# --- dashboard ---------------------------------------------------------------------------------------
def test_dashboard_numbers_on_a_known_fixture_and_csv_matches(hr_client, hr):
    program, people = active(hr, pairs=3)
    (j1, s1), (j2, s2), (j3, s3) = people
    for user, pulse in ((j1, 4), (s1, 5), (j2, 2), (s2, 3)):
        checkin_submit(program=program, user=user, pulse=pulse, meetings_as_planned=True)
    assert dashboard(program).checkin_trend == [(1, None, 4, "month in progress")]  # still moving: nothing to subtract from
    month_two = timezone.make_aware(datetime.datetime.combine(program.start_date + datetime.timedelta(days=40), datetime.time(12)))
    with time_machine.travel(month_two, tick=False):
        Meeting.objects.filter(match__members__user=j1, kind="kickoff").update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
        board = dashboard(program)
        assert board.funnel == [("invited", 0), ("applied", 6), ("accepted", 6), ("matched", 6), ("confirmed", 6)]
        assert board.checkin_trend == [(1, 3.5, 4, "")]
        assert board.meetings.months[0].held == 1
        hr_client.force_login(hr)  # the session from 40 days ago has expired
        url = reverse("evaluation:dashboard", args=[program.pk])
        rows = list(csv.reader(io.StringIO(hr_client.get(url, {"csv": "funnel"}).content.decode())))
        assert rows == [["stage", "people"], ["invited", "0"], ["applied", "6"], ["accepted", "6"], ["matched", "6"], ["confirmed", "6"]]
        rows = list(csv.reader(io.StringIO(hr_client.get(url, {"csv": "checkins"}).content.decode())))
        assert rows[1] == ["1", "3.5", "4", ""]
        page = hr_client.get(url).content.decode()
        assert "3.5/5" in page and "low pulse (1 or 2) in this pair" in page
        assert hr_client.get(url, {"print": "1"}).status_code == 200
        assert hr_client.get(url, {"csv": "nope"}).status_code == 404


@pytest.mark.parametrize("pairs", [1, 6])
def test_dashboard_costs_fixed_queries(hr_client, hr, pairs, django_assert_max_num_queries):
    program, people = active(hr, pairs=pairs)
    for junior, _senior in people:
        checkin_submit(program=program, user=junior, pulse=3, meetings_as_planned=True)
    with django_assert_max_num_queries(40):
        assert hr_client.get(reverse("evaluation:dashboard", args=[program.pk])).status_code == 200


# --- access ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["evaluation:dashboard", "evaluation:survey_manage", "evaluation:recommendation_board"])
def test_hr_pages_refuse_participants(client, hr, name):
    program, ((junior, senior),) = active(hr)
    client.force_login(junior)
    assert client.get(reverse(name, args=[program.pk])).status_code == 403
    match = Match.objects.get(program=program)
    assert client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"body": "x"}).status_code == 403


def test_participant_pages_only_for_the_programs_participants(client, hr, outsider):
    program, ((junior, senior),) = active(hr)
    for name in ("evaluation:checkin", "evaluation:recommendations", "evaluation:journey"):
        client.force_login(outsider)
        assert client.get(reverse(name, args=[program.pk])).status_code == 404
        client.force_login(junior)
        assert client.get(reverse(name, args=[program.pk])).status_code == 200
    client.force_login(hr)
    assert client.get(reverse("evaluation:journey", args=[program.pk])).status_code == 404  # HR reads no one's journey


def test_home_lists_the_pending_checkin_until_done(client, hr):
    program, ((junior, senior),) = active(hr)
    client.force_login(junior)
    assert "Monthly check-in" in client.get(reverse("portal:home")).content.decode()
    client.post(reverse("evaluation:checkin", args=[program.pk]), {"pulse": "4", "meetings_as_planned": "yes"})
    assert "Waiting for you" not in client.get(reverse("portal:home")).content.decode()


def test_journey_download_is_the_participants_own_log(client, hr):
    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="held", starts_at=timezone.now() - datetime.timedelta(days=2))
    SessionLog.objects.create(meeting=kickoff, author=junior, held=True, actual_minutes=60, shared="my-share", learned="my-learning")
    SessionLog.objects.create(meeting=kickoff, author=senior, held=True, actual_minutes=60, shared="his-share", learned="his-learning")
    client.force_login(junior)
    response = client.get(reverse("evaluation:journey", args=[program.pk]), {"download": "1"})
    body = response.content.decode()
    assert "attachment" in response["Content-Disposition"] and "my-learning" in body and "his-learning" not in body


def test_hr_pauses_and_resumes_a_struggling_pair(hr_client, hr):
    from notifications.models import Notification
    from notifications.sweep import notifications_sweep

    program, ((junior, senior),) = active(hr)
    match = Match.objects.get(program=program)
    checkin_submit(program=program, user=junior, pulse=1, meetings_as_planned=False, flags=["no_time"])
    assert pair_health(program)[0].reasons
    hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"action": "pause"})
    match.refresh_from_db()
    assert match.status == "paused" and pair_health(program)[0].reasons == []
    kickoff = Meeting.objects.get(match=match, kind="kickoff")
    Meeting.objects.filter(pk=kickoff.pk).update(status="scheduled", starts_at=timezone.now() + datetime.timedelta(hours=5))
    with time_machine.travel(timezone.now(), tick=False):
        notifications_sweep()
    assert not Notification.objects.filter(kind="meeting_reminder").exists()  # paused: no reminders
    hr_client.post(reverse("evaluation:pair_action", args=[program.pk, match.pk]), {"action": "resume"})
    match.refresh_from_db()
    assert match.status == "confirmed"
    client_page = hr_client.get(reverse("evaluation:dashboard", args=[program.pk])).content.decode()
    assert "Pause" in client_page
