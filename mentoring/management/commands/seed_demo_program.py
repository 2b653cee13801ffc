"""The demo's living program: the source's tech-company example, recruiting, with
4 juniors and 4 seniors accepted and a couple more applicants awaiting HR."""

from __future__ import annotations

import datetime

from django.utils import timezone

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

DEMO_PROGRAM_NAME = "Engineering leadership learns from juniors"

# email, decision (None = leave for HR), motivation, hopes, topics (name → 1..3), extra
APPLICANTS = [
    ("mia.schulz@example.com", "accepted", "I want to show how our onboarding and tooling feel from the first week.",
     "Practice explaining things to leaders and get visibility beyond my team.",
     {"Developer experience": 3, "Modern toolchains": 3, "Onboarding experience": 2}, {"comfort": 3}),
    ("zoe.adler@example.com", "accepted", "Product leaders should hear how younger users really use our app.",
     "Confidence to speak up with senior people, and a sponsor.",
     {"How young users use products": 3, "Social media platforms": 3, "Mobile-first thinking": 2}, {"comfort": 4}),
    ("max.schmitt@example.com", "accepted", "Social media is my daily work; leadership asked about it twice this year.",
     "Understanding how leadership decides things.",
     {"Social media platforms": 3, "What young talent looks for in jobs": 2, "Inclusive language": 2}, {"comfort": 2}),
    ("priya.shah@example.com", "accepted", "I use AI assistants all day and can show what works and what doesn't.",
     "A network outside engineering and practice in leading a conversation.",
     {"AI and automation": 3, "Asynchronous collaboration": 2, "Feedback culture from the junior perspective": 2}, {"comfort": 3}),
    ("finn.wagner@example.com", None, "Research with young users taught me a lot I would like to share.",
     "Learning how leaders think about product bets.",
     {"How young users use products": 3, "Unconscious bias": 2}, {"comfort": 2}),
    ("marcus.webb@example.com", "accepted", "I have not written production code in years and our toolchain changed completely.",
     "Honest feedback on developer experience and what frustrates juniors about our codebase.",
     {"Developer experience": 3, "AI and automation": 3, "Team culture from the junior perspective": 2}, {"openness": "Unfiltered feedback on how our engineering org feels from below."}),
    ("julia.hoffmann@example.com", "accepted", "Our users are getting younger; I want to understand them first-hand.",
     "Mobile-first habits and what young talent looks for in a product team.",
     {"How young users use products": 3, "Mobile-first thinking": 2, "What young talent looks for in jobs": 2}, {"openness": "Being told my assumptions about users are out of date."}),
    ("grace.liu@example.com", "accepted", "Marketing changes weekly on social platforms; I want to keep up.",
     "How young colleagues want to be led and how they use social media.",
     {"Social media platforms": 3, "Modern leadership expectations": 2, "Understanding generational differences": 2}, {"openness": "Hearing where our brand sounds old-fashioned."}),
    ("paul.neumann@example.com", "accepted", "Hiring juniors is my job; I should learn what they actually expect.",
     "What young talent looks for in jobs, and how our onboarding feels.",
     {"What young talent looks for in jobs": 3, "Onboarding experience": 3, "Inclusive language": 2}, {"openness": "Critical feedback on our hiring process."}),
    ("lucas.meyer@example.com", None, "I lead designers who are all younger than me.",
     "Current tools and how they like to get feedback.",
     {"Modern toolchains": 2, "Feedback culture from the junior perspective": 3}, {"openness": "Feedback on my own feedback style."}),
]
STILL_INVITED = ["emma.koch@example.com", "sara.lindqvist@example.com"]


def seed_demo_program(*, hr: User) -> str:
    if Program.objects.filter(name=DEMO_PROGRAM_NAME).exists():
        return "Demo program already there."
    start = timezone.localdate() + datetime.timedelta(days=14)
    program = program_create_from_template(
        template_key="tech", created_by=hr, data={"start_date": start, "open_for_applications": True}
    )
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
    return (
        "Demo program in matching: 5 junior mentors and 5 senior mentees, a completed run with explanations, "
        "3 confirmed pairs, 2 declined pairs and a re-match of the freed people."
    )


def seed_demo_matching(*, program: Program, hr: User) -> None:
    """Accept the last two applicants, match, and play out acceptances and two declines."""
    from matching.models import Match
    from matching.services import match_respond, matches_approve, matching_run

    for application in program.applications.filter(status=Application.Status.SUBMITTED):
        application_decide(application=application, decision=Application.Status.ACCEPTED, by=hr, message="Welcome aboard!")
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr, reason="Intake closed")
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    offered = list(Match.objects.filter(program=program, status=Match.Status.APPROVED).order_by("-score", "pk"))
    declines = {offered[-1].pk: "We already work closely together on a project.", offered[-2].pk: "Bad timing: I am on parental leave next month."}
    for match in offered:
        for member in match.members.select_related("user").order_by("role"):
            reason = declines.get(match.pk)
            if reason and member.role == "senior":
                match_respond(match=match, user=member.user, accept=False, reason=reason)
                break
            match_respond(match=match, user=member.user, accept=True)
    matching_run(program=program, by=hr)  # re-matches only the freed people
    matches_approve(program=program, by=hr)
