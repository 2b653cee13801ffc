"""The dashboard's figures come from the database now; here they are checked against the plain
Python computation they replaced (every meeting, log, check-in and answer loaded and counted),
on small programs with mixed data: paused, ended and proposed pairs, several check-ins per
person (the latest one counts, whatever its month), logs by outsiders, ties, hidden months,
small survey groups."""

import datetime
import random
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from evaluation import selectors
from evaluation.models import Answer, CheckIn, Question, Recommendation, Response, Survey
from evaluation.services import survey_prepare
from matching.models import Match
from programs.models import Application, Invitation, Program, Role
from sessions.models import Meeting, SessionLog
from tests.evaluation.factories import RecommendationFactory
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory, TopicFactory

pytestmark = pytest.mark.django_db

CHALLENGES = ["junior_doesnt_dare", "senior_not_serious", "no_time", "unclear", "other"]


def mixed_program(seed: int, hr):
    """A running program with nine pairs of every kind and a closed survey, filled at random."""
    rnd = random.Random(seed)
    now = timezone.now()
    program = ProgramFactory(active=True, start_date=timezone.localdate() - datetime.timedelta(days=75), created_by=hr)
    statuses = ["confirmed"] * 6 + ["paused", "ended", "proposed"]
    matches = []
    for index, status in enumerate(statuses):
        confirmed_at = now - datetime.timedelta(days=rnd.choice([3, 20, 40, 70])) if status != "proposed" else None
        matches.append(MatchFactory(program=program, status=status, confirmed_at=confirmed_at, junior__first_name=f"J{index}"))
    # A junior of another pair logs in every pair's meetings: no side of those pairs.
    outsider = matches[-1].members.get(role="junior").user
    for match in matches:
        people = {m.role: m.user for m in match.members.all()}
        for k in range(rnd.randint(0, 6)):
            status = rnd.choice(["held", "held", "missed", "cancelled", "scheduled", "proposed"])
            starts_at = None if status == "proposed" else now - datetime.timedelta(days=rnd.randint(-5, 70))
            meeting = Meeting.objects.create(
                program=program, match=match, kind="kickoff" if k == 0 else "one_to_one", title=f"M{k}", month=rnd.randint(1, 3),
                status=status, starts_at=starts_at, duration_minutes=60,
            )  # fmt: skip
            for author in dict.fromkeys((people["junior"], people["senior"], outsider)):
                if rnd.random() < 0.55:
                    SessionLog.objects.create(
                        meeting=meeting, author=author, held=rnd.random() < 0.85, actual_minutes=rnd.choice([None, 30, 45, 90]),
                        shared=rnd.choice(["", "tools", " "]), learned=rnd.choice(["", "budgets"]),
                    )  # fmt: skip
        stamp = now - datetime.timedelta(days=30)
        for month in (1, 2, 3):
            for user in (people["junior"], people["senior"]):
                if rnd.random() < 0.7:
                    # Not in month order, and sometimes at the same instant: the latest is by time, then id.
                    created_at = stamp if rnd.random() < 0.2 else now - datetime.timedelta(days=rnd.randint(1, 60))
                    CheckIn.objects.create(
                        program=program, match=match, user=user, month=month, pulse=rnd.randint(1, 5), meetings_as_planned=True,
                        flags=sorted(rnd.sample(CHALLENGES, rnd.choice([0, 0, 1, 2]))), comment=rnd.choice(["", "call me"]),
                        reach_out=rnd.random() < 0.2, created_at=created_at,
                    )  # fmt: skip
    # Someone outside the pair checks in on it: not the pair's signal.
    CheckIn.objects.create(
        program=program, match=matches[0], user=UserFactory(), month=1, pulse=1, meetings_as_planned=False, flags=["other"], reach_out=True
    )
    for person in UserFactory.create_batch(5):
        Invitation.objects.create(program=program, user=person, invited_by=hr)
        Application.objects.create(
            program=program, user=person, role=rnd.choice(["junior", "senior"]), status=rnd.choice(["submitted", "accepted", "declined"]),
            motivation="m", hopes="h", voluntary_consent=True, confidentiality_accepted=True, time_commitment_confirmed=True,
        )  # fmt: skip
    for status in rnd.choices(["proposed", "under_review", "declined"], k=4):
        RecommendationFactory(program=program, status=status)
    survey = survey_prepare(program=program)
    Question.objects.create(survey=survey, order=100, kind="choice", text="Which format?", choices=["1:1", "group", "mixed"])
    topics = [TopicFactory().pk for _ in range(4)]
    members = [m for match in matches if match.status in ("confirmed", "ended") for m in match.members.all()]
    juniors, seniors = [m for m in members if m.role == "junior"], [m for m in members if m.role == "senior"]
    # Groups of every size: one role under 3 hides that role's cells and the other role's too.
    chosen = juniors[: rnd.choice([1, 2, 3, 5, 7])] + seniors[: rnd.choice([0, 1, 2, 4, 7])]
    for user, role in [(m.user, m.role) for m in chosen]:
        response = Response.objects.create(survey=survey, user=user, role=role)
        for question in survey.questions.all():
            value = {
                "scale": rnd.randint(1, 5),
                "yesno": rnd.random() < 0.6,
                "text": rnd.choice(["More time", "Nothing"]),
                "choice": rnd.choice(["1:1", "group", "mixed"]),
                "topics": sorted(rnd.sample(topics, rnd.randint(0, 3))),
            }[question.kind]
            if value != []:
                Answer.objects.create(response=response, question=question, value=value)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    program.refresh_from_db()
    return program, now


# --- the straightforward computation, row by row in Python ----------------------------------------
def reference_pairs(program, now):
    period = program.period_days
    since = now - datetime.timedelta(days=period)
    result = {}
    for match in Match.objects.filter(program=program, status__in=["confirmed", "paused"]):
        if match.status == "paused":
            result[match.pk] = ([], [], [])
            continue
        roles = {m.user_id: m.role for m in match.members.all()}
        names = {m.user_id: m.user.get_full_name() for m in match.members.all()}
        meetings = list(Meeting.objects.filter(match=match))
        held = [m for m in meetings if m.status == "held"]
        reasons = []
        if match.confirmed_at <= since and not any(m.starts_at >= since for m in held):
            reasons.append(("no_recent_meeting", {"days": period}))
        missed = sum(1 for m in meetings if m.status == "missed")
        if missed >= 2:
            reasons.append(("missed_meetings", {"count": missed}))
        latest = []
        for user_id in roles:
            mine = list(CheckIn.objects.filter(match=match, user_id=user_id))
            if mine:
                latest.append(max(mine, key=lambda c: (c.created_at, c.pk)))
        if any(c.pulse <= 2 for c in latest):
            reasons.append(("low_pulse", {}))
        raised = {flag for c in latest for flag in c.flags}
        reasons += [("challenge", {"challenge": value}) for value in CHALLENGES if value in raised]
        reach_outs = [
            (names[c.user_id], c.comment) for c in sorted(latest, key=lambda c: (roles[c.user_id], names[c.user_id])) if c.reach_out
        ]
        if reach_outs:
            reasons.append(("reach_out", {}))
        logs = list(SessionLog.objects.filter(meeting__match=match, held=True))
        sides = {
            (roles.get(log.author_id), kind) for log in logs for kind, text in (("shared", log.shared), ("learned", log.learned)) if text
        }
        if logs and not {("junior", "shared"), ("senior", "shared"), ("junior", "learned"), ("senior", "learned")} <= sides:
            reasons.append(("one_way", {}))
        milestones = []
        if any(m.kind == "kickoff" for m in held):
            milestones.append(("kickoff_held", {}))
        if len(held) >= 3:
            milestones.append(("meetings_held", {"count": len(held)}))
        result[match.pk] = (reasons, milestones, reach_outs)
    return result


def reference_breakdown(survey):
    """The old `survey_breakdown`: every answer loaded, grouped and counted in Python."""
    values = defaultdict(list)
    for answer in Answer.objects.filter(response__survey=survey).select_related("response"):
        values[(answer.question_id, None)].append(answer.value)
        values[(answer.question_id, answer.response.role)].append(answer.value)
    released = survey.status == "closed"
    result = {}
    for question in survey.questions.all():
        cells = {group: values[(question.pk, group)] for group in (None, "junior", "senior")}
        small_role = any(0 < len(cells[role]) < 3 for role in ("junior", "senior"))
        for group, cell in cells.items():
            hidden = not released or len(cell) < 3 or (group is not None and small_role)
            figures = None
            if not hidden:
                figures = {
                    "scale": lambda c: (round(sum(c) / len(c), 2), sorted((str(n), c.count(n)) for n in range(1, 6))),
                    "yesno": lambda c: round(100 * sum(1 for v in c if v) / len(c)),
                    "choice": lambda c: sorted(Counter(c).items()),
                    "topics": lambda c: sorted(Counter(t for v in c for t in v).items()),
                    "text": sorted,
                }[question.kind](cell)
            result[(question.pk, group)] = (len(cell), hidden, figures)
    return result


def shown(aggregate, topic_ids):
    if aggregate.hidden:
        return None
    kind = aggregate.question.kind
    if kind == "scale":
        return (aggregate.average, sorted(aggregate.counts))
    if kind == "yesno":
        return aggregate.yes_share
    if kind == "choice":
        return sorted(aggregate.counts)
    if kind == "topics":
        return sorted((topic_ids[name], n) for name, n in aggregate.counts)
    return aggregate.texts


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_sql_figures_equal_the_python_computation(hr, seed):
    program, now = mixed_program(seed, hr)
    expected = reference_pairs(program, now)

    # Every pair's reasons, milestones and reach-outs.
    health = {h.match.pk: h for h in selectors.pair_health(program=program, now=now)}
    assert set(health) == set(expected)
    for pk, (reasons, milestones, reach_outs) in expected.items():
        assert [(r.code, dict(r.params)) for r in health[pk].reasons] == reasons, pk
        assert [(m.code, dict(m.params)) for m in health[pk].milestones] == milestones, pk
        assert health[pk].reach_outs == reach_outs, pk

    # The counts: by status, by reason, milestones, the badge and the two-way street.
    facts = selectors.pair_facts(program=program, now=now)
    summary = selectors.health_summary(program=program, facts=facts)
    running = {pk: e for pk, e in expected.items() if Match.objects.get(pk=pk).status == "confirmed"}
    at_risk = sum(1 for reasons, _m, _r in running.values() if reasons)
    assert summary.by_status == {
        "at_risk": at_risk,
        "reach_out": sum(1 for reasons, _m, _r in running.values() if ("reach_out", {}) in reasons),
        "on_track": len(running) - at_risk,
        "paused": len(expected) - len(running),
    }
    codes = Counter(code for reasons, _m, _r in running.values() for code, _p in reasons)
    challenges = Counter(p["challenge"] for reasons, _m, _r in running.values() for code, p in reasons if code == "challenge")
    assert [n for _signal, n in summary.reasons] == [
        codes["no_recent_meeting"], codes["missed_meetings"], codes["low_pulse"], *[challenges[v] for v in CHALLENGES],
        codes["reach_out"], codes["one_way"],
    ]  # fmt: skip
    achieved = Counter(code for _r, milestones, _o in running.values() for code, _p in milestones)
    assert [n for _signal, n in summary.milestones] == [achieved["kickoff_held"], achieved["meetings_held"]]
    assert summary.badge == selectors.health_badge(at_risk=at_risk, pairs=len(expected))
    logged = {
        log.meeting.match_id for log in SessionLog.objects.filter(meeting__match__program=program, held=True).select_related("meeting")
    }
    assert summary.two_way_share == (round(100 * (len(logged) - codes["one_way"]) / len(logged)) if logged else None)

    # The funnel, meetings per month, the average length, the pulse by month, recommendations.
    members = [(m.user_id, m.match.status) for match in program.matches.all() for m in match.members.select_related("match")]
    assert selectors.funnel(program=program) == [
        ("invited", Invitation.objects.filter(program=program).count()),
        ("applied", Application.objects.filter(program=program).count()),
        ("accepted", Application.objects.filter(program=program, status="accepted").count()),
        ("matched", len({user for user, status in members if status in ("proposed", "approved", "confirmed", "ended")})),
        ("confirmed", len({user for user, status in members if status in ("confirmed", "ended")})),
    ]
    meetings = list(Meeting.objects.filter(program=program))
    months = sorted({m.month for m in meetings})
    summary_meetings = selectors.meeting_summary(program=program)
    assert [(r.month, r.planned, r.held, r.missed, r.cancelled) for r in summary_meetings.months] == [
        (
            month,
            sum(1 for m in meetings if m.month == month and m.status != "cancelled"),
            sum(1 for m in meetings if m.month == month and m.status == "held"),
            sum(1 for m in meetings if m.month == month and m.status == "missed"),
            sum(1 for m in meetings if m.month == month and m.status == "cancelled"),
        )
        for month in months
    ]
    minutes = [
        log.actual_minutes for log in SessionLog.objects.filter(meeting__program=program, held=True) if log.actual_minutes is not None
    ]
    assert summary_meetings.average_minutes == (round(sum(minutes) / len(minutes), 1) if minutes else None)
    pulses = defaultdict(list)
    for checkin in CheckIn.objects.filter(program=program):
        pulses[checkin.month].append(checkin.pulse)
    current = selectors.program_month(program=program)
    assert selectors.checkin_trend(program=program) == [
        (month, None, len(p), "month in progress")
        if month >= current
        else (month, None, len(p), "hidden (under 3)")
        if len(p) < 3
        else (month, round(sum(p) / len(p), 2), len(p), "")
        for month, p in sorted(pulses.items())
    ]
    assert selectors.recommendation_counts(program=program) == [
        (value, str(label), Recommendation.objects.filter(program=program, status=value).count())
        for value, label in Recommendation.Status.choices
    ]

    # Every survey cell: respondents, hidden or not, and its figures.
    survey = Survey.objects.get(program=program)
    reference = reference_breakdown(survey)
    topic_ids = {topic.name: topic.pk for topic in TopicFactory._meta.model.objects.all()}
    breakdown = selectors.survey_breakdown(survey=survey)
    for group in (None, Role.JUNIOR, Role.SENIOR):
        for aggregate in breakdown[group]:
            assert (aggregate.respondents, aggregate.hidden, shown(aggregate, topic_ids)) == reference[(aggregate.question.pk, group)]
    figures = selectors.survey_figures(program=program)
    for group, cells in ((None, figures.everyone), (Role.JUNIOR, figures.juniors), (Role.SENIOR, figures.seniors)):
        assert set(cells) == {"satisfaction", "skills_topics", "relationship", "continue"}  # what the dashboard shows
        for aggregate in cells.values():
            assert (aggregate.respondents, aggregate.hidden, shown(aggregate, topic_ids)) == reference[(aggregate.question.pk, group)]
    assert any(not a.hidden for a in breakdown[None])  # the random survey shows something


def test_a_program_without_pairs_or_survey_has_empty_figures(hr):
    program = ProgramFactory(active=True, created_by=hr)
    board = selectors.dashboard(program=program)
    assert board.health.pairs == 0 and board.badge == "none" and board.two_way_share is None
    assert board.checkin_trend == [] and board.meetings.months == [] and board.meetings.average_minutes is None
    assert board.survey is None and board.results_all == {}
    assert program.status == Program.Status.ACTIVE
