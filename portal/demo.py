"""The demo's living program: the source's tech-company example, recruiting, with
4 juniors and 4 seniors accepted and a couple more applicants awaiting HR."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from evaluation.services import checkin_submit, recommendation_submit, recommendation_update
from matching.models import Match
from matching.services import match_respond, matches_approve, matching_run
from mentoring.models import User
from programs.models import Application, Program, Topic
from programs.services import (
    ApplicationAnswers,
    application_decide,
    application_submit,
    invitations_send,
    program_create_from_template,
    program_transition,
)
from sessions.models import Meeting
from sessions.services import action_item_add, meeting_confirm_time, meeting_log, meeting_propose_times, note_add

DEMO_PROGRAM_NAME = "Engineering leadership learns from juniors"

# email, decision (None = leave for HR), motivation, hopes, topics (name → 1..3), extra
APPLICANTS: list[tuple[str, str | None, str, str, dict[str, int], dict[str, Any]]] = [
    (
        "mia.schulz@example.com",
        "accepted",
        "I want to show how our onboarding and tooling feel from the first week.",
        "Practice explaining things to leaders and get visibility beyond my team.",
        {"Developer experience": 3, "Modern toolchains": 3, "Onboarding experience": 2},
        {"comfort": 3},
    ),
    (
        "zoe.adler@example.com",
        "accepted",
        "Product leaders should hear how younger users really use our app.",
        "Confidence to speak up with senior people, and a sponsor.",
        {"How young users use products": 3, "Social media platforms": 3, "Mobile-first thinking": 2},
        {"comfort": 4},
    ),
    (
        "max.schmitt@example.com",
        "accepted",
        "Social media is my daily work; leadership asked about it twice this year.",
        "Understanding how leadership decides things.",
        {"Social media platforms": 3, "What young talent looks for in jobs": 2, "Inclusive language": 2},
        {"comfort": 2},
    ),
    (
        "priya.shah@example.com",
        "accepted",
        "I use AI assistants all day and can show what works and what doesn't.",
        "A network outside engineering and practice in leading a conversation.",
        {"AI and automation": 3, "Asynchronous collaboration": 2, "Feedback culture from the junior perspective": 2},
        {"comfort": 3},
    ),
    (
        "finn.wagner@example.com",
        None,
        "Research with young users taught me a lot I would like to share.",
        "Learning how leaders think about product bets.",
        {"How young users use products": 3, "Unconscious bias": 2},
        {"comfort": 2},
    ),
    (
        "marcus.webb@example.com",
        "accepted",
        "I have not written production code in years and our toolchain changed completely.",
        "Honest feedback on developer experience and what frustrates juniors about our codebase.",
        {"Developer experience": 3, "AI and automation": 3, "Team culture from the junior perspective": 2},
        {"openness": "Unfiltered feedback on how our engineering org feels from below."},
    ),
    (
        "julia.hoffmann@example.com",
        "accepted",
        "Our users are getting younger; I want to understand them first-hand.",
        "Mobile-first habits and what young talent looks for in a product team.",
        {"How young users use products": 3, "Mobile-first thinking": 2, "What young talent looks for in jobs": 2},
        {"openness": "Being told my assumptions about users are out of date."},
    ),
    (
        "grace.liu@example.com",
        "accepted",
        "Marketing changes weekly on social platforms; I want to keep up.",
        "How young colleagues want to be led and how they use social media.",
        {"Social media platforms": 3, "Modern leadership expectations": 2, "Understanding generational differences": 2},
        {"openness": "Hearing where our brand sounds old-fashioned."},
    ),
    (
        "paul.neumann@example.com",
        "accepted",
        "Hiring juniors is my job; I should learn what they actually expect.",
        "What young talent looks for in jobs, and how our onboarding feels.",
        {"What young talent looks for in jobs": 3, "Onboarding experience": 3, "Inclusive language": 2},
        {"openness": "Critical feedback on our hiring process."},
    ),
    (
        "lucas.meyer@example.com",
        None,
        "I lead designers who are all younger than me.",
        "Current tools and how they like to get feedback.",
        {"Modern toolchains": 2, "Feedback culture from the junior perspective": 3},
        {"openness": "Feedback on my own feedback style."},
    ),
]
STILL_INVITED = ["emma.koch@example.com", "sara.lindqvist@example.com"]


def seed_demo_program(*, hr: User) -> str:
    if Program.objects.filter(name=DEMO_PROGRAM_NAME).exists():
        return "Demo program already there."
    # Started six weeks ago, so the demo shows a living program: kickoffs held, a session
    # missed, the next ones coming up.
    start = timezone.localdate() - datetime.timedelta(days=42)
    program = program_create_from_template(template_key="tech", created_by=hr, data={"start_date": start, "open_for_applications": True})
    program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr, reason="Kick-off announced at the all-hands")
    people = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in APPLICANTS] + STILL_INVITED)}
    invitations_send(
        program=program,
        people=[people[email] for email in [row[0] for row in APPLICANTS] + STILL_INVITED],
        invited_by=hr,
        message="We thought of you because of your perspective. Entirely voluntary.",
    )
    topics = {topic.name: topic.pk for topic in Topic.objects.all()}
    slots = [["tue_morning", "thu_afternoon"], ["mon_midday", "wed_morning"], ["tue_morning", "fri_morning"]]
    for index, (email, decision, motivation, hopes, chosen, extra) in enumerate(APPLICANTS):
        user = people[email]
        junior = program.role_for_level(user.level) == "junior"
        strengths = {topics[name]: value for name, value in chosen.items()}
        application = application_submit(
            program=program,
            user=user,
            answers=ApplicationAnswers(
                motivation=motivation,
                hopes=hopes,
                voluntary_consent=True,
                confidentiality_accepted=True,
                meeting_mode=[Application.MeetingMode.HYBRID, Application.MeetingMode.REMOTE, Application.MeetingMode.IN_PERSON][index % 3],
                preferred_times=slots[index % 3],
                languages=["en", "de"] if index % 2 else ["en"],
                style_directness=2 + index % 3,
                style_structure=1 + index % 4,
                style_pace=3,
                expertise=strengths if junior else {},
                interests={} if junior else strengths,
                comfort_with_seniors=extra.get("comfort"),
                openness_statement=extra.get("openness", ""),
                time_commitment_confirmed=not junior,
            ),
        )
        if decision:
            application_decide(application=application, decision=decision, by=hr, message="Welcome aboard!")
    seed_demo_matching(program=program, hr=hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr, reason="Three pairs confirmed; kickoffs under way")
    seed_demo_meetings(program=program)
    seed_demo_evaluation(program=program, hr=hr)
    seed_demo_project_program(hr=hr)
    return (
        "Demo program active: 5 junior mentors and 5 senior mentees, a matching run with explanations, 3 confirmed pairs "
        "with held kickoffs, logs and notes, a missed and upcoming sessions, 2 declined pairs and a re-match; "
        "plus a project-based program with its joint project."
    )


def seed_demo_matching(*, program: Program, hr: User) -> None:
    """Accept the last two applicants, match, and play out acceptances and two declines."""

    for application in program.applications.filter(status=Application.Status.SUBMITTED):
        application_decide(application=application, decision=Application.Status.ACCEPTED, by=hr, message="Welcome aboard!")
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr, reason="Intake closed")
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    offered = list(Match.objects.filter(program=program, status=Match.Status.APPROVED).order_by("-score", "pk"))
    declines = {
        offered[-1].pk: "We already work closely together on a project.",
        offered[-2].pk: "Bad timing: I am on parental leave next month.",
    }
    for match in offered:
        for member in match.members.select_related("user").order_by("role"):
            reason = declines.get(match.pk)
            if reason and member.role == "senior":
                match_respond(match=match, user=member.user, accept=False, reason=reason)
                break
            match_respond(match=match, user=member.user, accept=True)
    matching_run(program=program, by=hr)  # re-matches only the freed people
    matches_approve(program=program, by=hr)


def _first(meetings: QuerySet[Meeting]) -> Meeting:
    meeting = meetings.order_by("due_by", "pk").first()
    assert meeting is not None, "the demo's meeting plan has this meeting"
    return meeting


def _at(days: int, hour: int) -> datetime.datetime:
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _hold(meeting, junior, senior, *, days_ago: int, logs: dict | None = None) -> None:
    """Schedule through the services (invitations and all), then move it into the past."""

    meeting_propose_times(
        meeting=meeting, by=junior, options=[_at(2, 14)], duration_minutes=60, video_link="https://meet.example.com/rm-demo"
    )
    meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(-days_ago, 14))
    for person, entry in (logs or {}).items():
        meeting_log(meeting=meeting, by=person, **entry)


def seed_demo_meetings(*, program: Program) -> None:

    # The pairs were confirmed when the program started, six weeks ago.
    started = timezone.now() - datetime.timedelta(days=40)
    Match.objects.filter(program=program, status=Match.Status.CONFIRMED).update(confirmed_at=started)
    pairs = []
    for match in Match.objects.filter(program=program, status=Match.Status.CONFIRMED).order_by("-score", "pk"):
        members = {m.role: m.user for m in match.members.select_related("user")}
        pairs.append((match, members["junior"], members["senior"]))
    for index, (match, junior, senior) in enumerate(pairs):
        kickoff = Meeting.objects.get(match=match, kind=Meeting.Kind.KICKOFF)
        _hold(kickoff, junior, senior, days_ago=35 - index, logs={
            junior: {"held": True, "actual_minutes": 60, "shared": "How I use our toolchain day to day, and where onboarding lost me.", "learned": "How leadership decides priorities and why some tools are slow to arrive."},
            senior: {"held": True, "actual_minutes": 55, "shared": "The history of our platform and the budget cycle.", "learned": "Three tools juniors use that I had never heard of."},
        })  # fmt: skip
        note_add(match=match, author=junior, body="Bring the onboarding checklist next time.", visibility="shared", meeting=kickoff)
        note_add(
            match=match,
            author=senior,
            body="Ask my team whether they feel the same about code review.",
            visibility="private",
            meeting=kickoff,
        )
        action_item_add(
            match=match,
            by=senior,
            owner=senior,
            title="Try the AI assistant for a week and report back",
            due_date=timezone.localdate() + datetime.timedelta(days=7),
        )
        first = _first(Meeting.objects.filter(match=match, month=1).exclude(kind=Meeting.Kind.KICKOFF))
        if index == 0:
            _hold(first, junior, senior, days_ago=12, logs={
                junior: {"held": True, "actual_minutes": 65, "shared": "A live demo of our dev containers.", "learned": "Which metrics leadership looks at."},
                senior: {"held": True, "actual_minutes": 65, "shared": "Context on the platform roadmap.", "learned": "How much time setup really costs a newcomer."},
            })  # fmt: skip
            upcoming = _first(Meeting.objects.filter(match=match, month=2))
            meeting_propose_times(meeting=upcoming, by=junior, options=[_at(6, 10)], duration_minutes=60, location="Lisbon room, 3rd floor")
            meeting_confirm_time(meeting=upcoming, by=senior, option=upcoming.options.get())
        elif index == 1:
            _hold(first, junior, senior, days_ago=10, logs={junior: {"held": False}, senior: {"held": False}})
            meeting_propose_times(
                meeting=_first(Meeting.objects.filter(match=match, month=2)),
                by=junior,
                options=[_at(3, 9), _at(4, 16)],
                duration_minutes=60,
            )
        else:
            meeting_propose_times(meeting=first, by=junior, options=[_at(5, 11)], duration_minutes=60)
            meeting_confirm_time(meeting=first, by=senior, option=first.options.get())


def seed_demo_project_program(*, hr: User) -> None:

    program = program_create_from_template(
        template_key="project",
        created_by=hr,
        data={"start_date": timezone.localdate() - datetime.timedelta(days=20), "open_for_applications": True},
    )
    program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr)
    topics = {topic.name: topic.pk for topic in Topic.objects.all()}
    for email, junior in (("jonas.weber@example.com", True), ("sara.lindqvist@example.com", False)):
        user = User.objects.get(email=email)
        chosen = {topics["AI and automation"]: 3, topics["Modern development practices"]: 2}
        application = application_submit(
            program=program,
            user=user,
            answers=ApplicationAnswers(
                motivation="A concrete project beats another meeting.",
                hopes="A tool we actually adopt.",
                voluntary_consent=True,
                confidentiality_accepted=True,
                meeting_mode=Application.MeetingMode.HYBRID,
                preferred_times=["wed_morning"],
                languages=["en"],
                style_directness=3,
                style_structure=2,
                style_pace=4,
                expertise=chosen if junior else {},
                interests={} if junior else chosen,
                comfort_with_seniors=4 if junior else None,
                openness_statement="" if junior else "Being shown a better way.",
                time_commitment_confirmed=not junior,
            ),  # fmt: skip
        )
        application_decide(application=application, decision=Application.Status.ACCEPTED, by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    for match in Match.objects.filter(program=program):
        for member in match.members.select_related("user"):
            match_respond(match=match, user=member.user, accept=True)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)


def seed_demo_evaluation(*, program: Program, hr: User) -> None:
    """Check-ins (one pair struggling for time) and recommendations in the register."""

    pairs = []
    for match in Match.objects.filter(program=program, status=Match.Status.CONFIRMED).order_by("-score", "pk"):
        members = {m.role: m.user for m in match.members.select_related("user")}
        pairs.append((members["junior"], members["senior"]))
    for index, (junior, senior) in enumerate(pairs):
        if index == 1:
            checkin_submit(
                program=program,
                user=junior,
                pulse=2,
                meetings_as_planned=False,
                flags=["no_time"],
                comment="We keep moving the session; I am not sure it matters to him.",
                reach_out=True,
            )
            checkin_submit(program=program, user=senior, pulse=3, meetings_as_planned=False, flags=["no_time"], comment="Budget season.")
        else:
            checkin_submit(program=program, user=junior, pulse=4, meetings_as_planned=True)
            checkin_submit(program=program, user=senior, pulse=5, meetings_as_planned=True)
    junior, senior = pairs[0]
    first = recommendation_submit(
        program=program, by=junior, title="A one-command dev environment for newcomers",
        description="New joiners lose two days setting up. A dev container with seeded data gets them to a first commit on day one.",
        area="technology", expected_impact="high", coauthors=[senior],
    )  # fmt: skip
    recommendation_update(recommendation=first, by=hr, status="under_review", leadership_response="The platform team is estimating it.")
    recommendation_update(
        recommendation=first, by=hr, status="adopted", leadership_response="Funded for next quarter; platform team owns it.",
        follow_up_date=timezone.localdate() + datetime.timedelta(days=60),
    )  # fmt: skip
    recommendation_submit(
        program=program, by=pairs[2][0], title="Written async updates instead of the Monday status meeting",
        description="Juniors find the meeting long and passive; a short written update with a 15-minute Q&A would respect everyone's time.",
        area="work_world", expected_impact="medium",
    )  # fmt: skip
