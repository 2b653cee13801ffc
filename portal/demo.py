"""The demo's living program: the source's tech-company example, recruiting, with
4 juniors and 4 seniors accepted and a couple more applicants awaiting HR."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone

from evaluation.models import CheckIn, HRNote, Recommendation
from evaluation.services import checkin_submit, recommendation_submit, recommendation_update
from matching.models import Match, MatchMember, MatchRun
from matching.services import match_respond, matches_approve, matching_run
from mentoring.models import User
from notifications.models import Notification
from programs.models import Application, Invitation, Program, ProgramTransition, Topic
from programs.services import (
    ApplicationAnswers,
    application_decide,
    application_submit,
    invitations_send,
    program_create_from_template,
    program_transition,
)
from sessions.models import ActionItem, Meeting, Note, SessionLog
from sessions.services import action_item_add, meeting_confirm_time, meeting_log, meeting_propose_times, note_add

DEMO_PROGRAM_NAME = "Engineering leadership learns from juniors"
# HR gave the demo program's name and goal in the company's other languages (README: Languages).
DEMO_PROGRAM_TRANSLATIONS = {
    "de": {
        "name": "Die Technik-Führung lernt von Juniors",
        "goal": "Die Führungskräfte der Technik lernen von jungen Kolleg:innen, wie heute mit Tools, KI und Remote-Arbeit gearbeitet wird.",
    },
    "fr": {
        "name": "La direction technique apprend des juniors",
        "goal": "Les responsables techniques apprennent des jeunes collègues comment on travaille aujourd'hui avec les outils, l'IA et le télétravail.",
    },
    "es": {
        "name": "La dirección técnica aprende de los juniors",
        "goal": "Los responsables técnicos aprenden de sus colegas jóvenes cómo se trabaja hoy con herramientas, IA y trabajo en remoto.",
    },
}

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

# Every row a seeding step writes, dated to the moment of the program's story it plays, not to
# when `seed_demo` ran: the timeline, the outbox, notes and logs read like a program that lived.
STORY_FIELDS: list[tuple[type[Model], tuple[str, ...]]] = [
    (Program, ("created_at",)),
    (ProgramTransition, ("at",)),
    (Invitation, ("created_at", "responded_at")),
    (Application, ("submitted_at", "decided_at")),
    (MatchRun, ("created_at",)),
    (Match, ("created_at", "approved_at", "confirmed_at")),
    (MatchMember, ("responded_at",)),
    (Meeting, ("created_at",)),
    (SessionLog, ("created_at",)),
    (Note, ("created_at",)),
    (ActionItem, ("created_at",)),
    (CheckIn, ("created_at",)),
    (HRNote, ("created_at",)),
    (Recommendation, ("created_at",)),
]


@contextmanager
def _story(at: datetime.datetime) -> Iterator[None]:
    """Date what the block writes (rows it creates, times it sets) to `at`: every such time is
    later than the block's start, every time already in the story earlier. Its mails went out
    then too: they are marked sent a couple of minutes later, so no worker sends a weeks-old
    mail today."""
    began = timezone.now()
    yield
    for model, fields in STORY_FIELDS:
        for name in fields:
            model._default_manager.filter(**{f"{name}__gte": began}).update(**{name: at})
    Notification.objects.filter(created_at__gte=began).update(
        created_at=at,
        next_attempt_at=at,
        status=Notification.Status.SENT,
        attempts=1,
        sent_at=at + datetime.timedelta(minutes=2),
    )


def _days_ago(days: float, hour: int = 10) -> datetime.datetime:
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_demo_program(*, hr: User) -> str:
    if Program.objects.filter(name=DEMO_PROGRAM_NAME).exists():
        return "Demo program already there."
    # Started six weeks ago, so the demo shows a living program: kickoffs held, a session
    # missed, the next ones coming up.
    start = timezone.localdate() - datetime.timedelta(days=42)
    # The story: set up 11 weeks ago, invitations a day later, applications over the next two
    # weeks, matching a month before the start, pairs confirmed and the program live since.
    with _story(_days_ago(77, 9)):
        program = program_create_from_template(
            template_key="tech",
            created_by=hr,
            data={"start_date": start, "open_for_applications": True, "translations": DEMO_PROGRAM_TRANSLATIONS},
        )
    program.refresh_from_db()  # its story date, for later saves to keep
    with _story(_days_ago(76, 9)):
        program_transition(program=program, to_status=Program.Status.RECRUITING, by=hr, reason="Kick-off announced at the all-hands")
    people = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in APPLICANTS] + STILL_INVITED)}
    with _story(_days_ago(76, 11)):
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
        with _story(_days_ago(74 - index, 9 + index % 8)):
            application = application_submit(
                program=program,
                user=user,
                answers=ApplicationAnswers(
                    motivation=motivation,
                    hopes=hopes,
                    voluntary_consent=True,
                    confidentiality_accepted=True,
                    meeting_mode=[Application.MeetingMode.HYBRID, Application.MeetingMode.REMOTE, Application.MeetingMode.IN_PERSON][
                        index % 3
                    ],
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
        application.refresh_from_db()  # its story date, for the decision's save to keep
        if decision:
            with _story(_days_ago(62, 15)):
                application_decide(application=application, decision=decision, by=hr, message="Welcome aboard!")
    seed_demo_matching(program=program, hr=hr)
    with _story(_days_ago(40, 9)):
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

    with _story(_days_ago(58, 10)):
        for application in program.applications.filter(status=Application.Status.SUBMITTED):
            application_decide(application=application, decision=Application.Status.ACCEPTED, by=hr, message="Welcome aboard!")
    with _story(_days_ago(57, 9)):
        program_transition(program=program, to_status=Program.Status.MATCHING, by=hr, reason="Intake closed")
        matching_run(program=program, by=hr)
    with _story(_days_ago(56, 14)):
        matches_approve(program=program, by=hr)
    offered = list(Match.objects.filter(program=program, status=Match.Status.APPROVED).order_by("-score", "pk"))
    declines = {
        offered[-1].pk: "We already work closely together on a project.",
        offered[-2].pk: "Bad timing: I am on parental leave next month.",
    }
    for index, match in enumerate(offered):
        answered = _days_ago(55 - index, 11 + index % 5)
        with _story(answered):
            for member in match.members.select_related("user").order_by("role"):
                reason = declines.get(match.pk)
                if reason and member.role == "senior":
                    match_respond(match=match, user=member.user, accept=False, reason=reason)
                    break
                match_respond(match=match, user=member.user, accept=True)
    with _story(_days_ago(48, 9)):
        matching_run(program=program, by=hr)  # re-matches only the freed people
    with _story(_days_ago(47, 16)):
        matches_approve(program=program, by=hr)


def _first(meetings: QuerySet[Meeting]) -> Meeting:
    meeting = meetings.order_by("due_by", "pk").first()
    assert meeting is not None, "the demo's meeting plan has this meeting"
    return meeting


def _at(days: int, hour: int) -> datetime.datetime:
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _hold(meeting, junior, senior, *, days_ago: int, logs: dict | None = None) -> None:
    """Schedule through the services (invitations and all) a few days before, move it into
    the past, and log it that afternoon."""

    with _story(_days_ago(days_ago + 4, 10)):
        meeting_propose_times(
            meeting=meeting, by=junior, options=[_at(2, 14)], duration_minutes=60, video_link="https://meet.example.com/rm-demo"
        )
        meeting_confirm_time(meeting=meeting, by=senior, option=meeting.options.get())
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=_at(-days_ago, 14))
    with _story(_days_ago(days_ago, 16)):
        for person, entry in (logs or {}).items():
            meeting_log(meeting=meeting, by=person, **entry)


# Each confirmed pair's own kickoff: what each side shared and learned, their notes and the
# action item they agreed on (owner, title, due in days from today).
PAIR_STORIES: list[dict[str, Any]] = [
    {
        "junior_log": {
            "actual_minutes": 60,
            "shared": "How I use our toolchain day to day, and where onboarding lost me.",
            "learned": "How leadership decides priorities and why some tools are slow to arrive.",
        },
        "senior_log": {
            "actual_minutes": 55,
            "shared": "The history of our platform and the budget cycle.",
            "learned": "Three tools juniors use that I had never heard of.",
        },
        "shared_note": "Bring the onboarding checklist next time.",
        "private_note": "Ask my team whether they feel the same about code review.",
        "action": ("senior", "Try the AI assistant for a week and report back", 7),
    },
    {
        "junior_log": {
            "actual_minutes": 45,
            "shared": "How my friends actually find and judge apps: short videos and reviews, never the store page.",
            "learned": "Why a redesign needs a business case before anyone can say yes.",
        },
        "senior_log": {
            "actual_minutes": 50,
            "shared": "How the product roadmap is negotiated each quarter.",
            "learned": "Our onboarding screens lose young users before the first tap.",
        },
        "shared_note": "Three competitor apps to look at together before we meet again.",
        "private_note": "I assumed everyone reads release notes. Nobody under 30 does.",
        "action": ("junior", "Record a two-minute screen capture of signing up on a phone", 10),
    },
    {
        "junior_log": {
            "actual_minutes": 70,
            "shared": "What our brand sounds like on social platforms, with real comments from last month.",
            "learned": "How a campaign budget is approved and who has the last word.",
        },
        "senior_log": {
            "actual_minutes": 65,
            "shared": "Why the brand guidelines were written the way they are.",
            "learned": "Which of our posts read as old-fashioned, and why.",
        },
        "shared_note": "Agreed: one meeting a month on a live campaign, not on slides.",
        "private_note": "Check whether the approval chain for posts can be two steps instead of five.",
        "action": ("senior", "Follow one creator my mentor recommends for a month and note what stands out", 21),
    },
    {
        "junior_log": {
            "actual_minutes": 50,
            "shared": "How juniors compare job offers, and what made me say yes here.",
            "learned": "How hiring targets are set each year.",
        },
        "senior_log": {
            "actual_minutes": 50,
            "shared": "What a head of talent weighs when two candidates are close.",
            "learned": "Our job ads promise things juniors never look for.",
        },
        "shared_note": "Rewrite one job ad together next month.",
        "private_note": "Our interview loop is too long for graduates with other offers.",
        "action": ("junior", "Collect five job ads juniors found convincing", 14),
    },
]


def seed_demo_meetings(*, program: Program) -> None:

    # The pairs were confirmed when the program started, six weeks ago.
    started = timezone.now() - datetime.timedelta(days=40)
    Match.objects.filter(program=program, status=Match.Status.CONFIRMED).update(confirmed_at=started)
    pairs = []
    for match in Match.objects.filter(program=program, status=Match.Status.CONFIRMED).order_by("-score", "pk"):
        members = {m.role: m.user for m in match.members.select_related("user")}
        pairs.append((match, members["junior"], members["senior"]))
    for index, (match, junior, senior) in enumerate(pairs):
        story = PAIR_STORIES[index % len(PAIR_STORIES)]
        kickoff = Meeting.objects.get(match=match, kind=Meeting.Kind.KICKOFF)
        days_ago = 35 - 2 * index
        _hold(
            kickoff,
            junior,
            senior,
            days_ago=days_ago,
            logs={junior: {"held": True, **story["junior_log"]}, senior: {"held": True, **story["senior_log"]}},
        )
        with _story(_days_ago(days_ago, 17)):
            note_add(match=match, author=junior, body=story["shared_note"], visibility="shared", meeting=kickoff)
            note_add(match=match, author=senior, body=story["private_note"], visibility="private", meeting=kickoff)
            role, title, due_in = story["action"]
            owner = junior if role == "junior" else senior
            action_item_add(
                match=match, by=owner, owner=owner, title=title, due_date=timezone.localdate() + datetime.timedelta(days=due_in)
            )
        first = _first(Meeting.objects.filter(match=match, month=1).exclude(kind=Meeting.Kind.KICKOFF))
        if index == 0:
            _hold(first, junior, senior, days_ago=12, logs={
                junior: {"held": True, "actual_minutes": 65, "shared": "A live demo of our dev containers.", "learned": "Which metrics leadership looks at."},
                senior: {"held": True, "actual_minutes": 65, "shared": "Context on the platform roadmap.", "learned": "How much time setup really costs a newcomer."},
            })  # fmt: skip
            upcoming = _first(Meeting.objects.filter(match=match, month=2))
            with _story(_days_ago(3, 9)):
                meeting_propose_times(
                    meeting=upcoming, by=junior, options=[_at(6, 10)], duration_minutes=60, location="Lisbon room, 3rd floor"
                )
                meeting_confirm_time(meeting=upcoming, by=senior, option=upcoming.options.get())
        elif index == 1:
            _hold(first, junior, senior, days_ago=10, logs={junior: {"held": False}, senior: {"held": False}})
            with _story(_days_ago(1, 17)):
                meeting_propose_times(
                    meeting=_first(Meeting.objects.filter(match=match, month=2)),
                    by=junior,
                    options=[_at(3, 9), _at(4, 16)],
                    duration_minutes=60,
                )
        else:
            with _story(_days_ago(2, 11)):
                meeting_propose_times(meeting=first, by=junior, options=[_at(5, 11)], duration_minutes=60)
                meeting_confirm_time(meeting=first, by=senior, option=first.options.get())


def seed_demo_project_program(*, hr: User) -> None:

    with _story(_days_ago(23, 9)):
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
        with _story(_days_ago(22 - junior, 11)):
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
        application.refresh_from_db()
        with _story(_days_ago(21, 15)):
            application_decide(application=application, decision=Application.Status.ACCEPTED, by=hr)
    with _story(_days_ago(20, 9)):
        program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
        matching_run(program=program, by=hr)
        matches_approve(program=program, by=hr)
    with _story(_days_ago(19, 14)):
        for match in Match.objects.filter(program=program):
            for member in match.members.select_related("user"):
                match_respond(match=match, user=member.user, accept=True)
    with _story(_days_ago(18, 9)):
        program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)


def seed_demo_evaluation(*, program: Program, hr: User) -> None:
    """Check-ins (one pair struggling for time) and recommendations in the register."""

    pairs = []
    for match in Match.objects.filter(program=program, status=Match.Status.CONFIRMED).order_by("-score", "pk"):
        members = {m.role: m.user for m in match.members.select_related("user")}
        pairs.append((members["junior"], members["senior"]))
    for index, (junior, senior) in enumerate(pairs):
        with _story(_days_ago(6 - index, 18)):
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
                checkin_submit(
                    program=program, user=senior, pulse=3, meetings_as_planned=False, flags=["no_time"], comment="Budget season."
                )
            else:
                checkin_submit(program=program, user=junior, pulse=4 - index % 2, meetings_as_planned=True)
                checkin_submit(program=program, user=senior, pulse=5, meetings_as_planned=True)
    junior, senior = pairs[0]
    with _story(_days_ago(24, 11)):
        first = recommendation_submit(
            program=program, by=junior, title="A one-command dev environment for newcomers",
            description="New joiners lose two days setting up. A dev container with seeded data gets them to a first commit on day one.",
            area="technology", expected_impact="high", coauthors=[senior],
        )  # fmt: skip
    first.refresh_from_db()  # the story's dates, not the one in memory, for the updates to keep
    with _story(_days_ago(19, 15)):
        recommendation_update(recommendation=first, by=hr, status="under_review", leadership_response="The platform team is estimating it.")
    first.refresh_from_db()
    with _story(_days_ago(9, 10)):
        recommendation_update(
            recommendation=first, by=hr, status="adopted", leadership_response="Funded for next quarter; platform team owns it.",
            follow_up_date=timezone.localdate() + datetime.timedelta(days=60),
        )  # fmt: skip
    with _story(_days_ago(15, 13)):
        recommendation_submit(
            program=program, by=pairs[2][0], title="Written async updates instead of the Monday status meeting",
            description="Juniors find the meeting long and passive; a short written update with a 15-minute Q&A would respect everyone's time.",
            area="work_world", expected_impact="medium",
        )  # fmt: skip
