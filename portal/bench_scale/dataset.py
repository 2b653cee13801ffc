"""The dataset: a 10,000-person company with 1,000-pair programs, built with bulk inserts.

At scale 1: 10,069 people in manager chains (a pyramid 8 levels deep, departments following the
directors' subtrees); an evaluating program with 999 confirmed pairs and ten months of meetings,
session logs, check-ins, a closed survey, recommendations and sent e-mails; a program in matching
with 2,000 junior and 2,000 senior accepted applicants; a closed pilot, a program recruiting and
a draft, as an HR coordinator's list has them.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from .common import DOMAIN, HR_EMAIL, scaled
from .names import DEPARTMENTS, FIRST_NAMES, LAST_NAMES, REGIONS, TIERS, TIMEZONES, WORDS

BATCH = 2000


def sentence(rng: random.Random, words: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@dataclass
class Company:
    rng: random.Random
    scale: float
    now: datetime.datetime
    today: datetime.date
    hr: Any
    people: list[Any]
    juniors: list[Any]  # levels up to 30: junior mentors
    seniors: list[Any]  # levels from 40: senior mentees
    topics: list[int]


def build(scale: float, seed: int) -> dict[str, Any]:
    """Build the whole dataset in one transaction; return the facts the sections need."""
    from django.db import connection, transaction
    from django.utils import timezone

    from evaluation.models import Answer, CheckIn
    from mentoring.models import Department, User
    from notifications.models import Notification
    from programs.models import Program
    from sessions.models import Meeting, SessionLog

    with transaction.atomic():
        company = build_company(scale, random.Random(seed), timezone.now(), timezone.localdate())
        evaluating, pairs = build_evaluating_program(company)
        matching, applicants = build_matching_program(company)
        build_other_programs(company)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would have done by the time HR looks
    return {
        "scale": scale,
        "seed": seed,
        "hr": company.hr.pk,
        "evaluating": evaluating.pk,
        "matching": matching.pk,
        "counts": {
            "people": User.objects.count(),
            "depth": reporting_depth(),
            "departments": Department.objects.count(),
            "pairs": pairs,
            "applicants": applicants,
            "meetings": Meeting.objects.count(),
            "session_logs": SessionLog.objects.count(),
            "checkins": CheckIn.objects.count(),
            "answers": Answer.objects.count(),
            "notifications": Notification.objects.count(),
            "programs": Program.objects.count(),
        },
    }


def build_company(scale: float, rng: random.Random, now: datetime.datetime, today: datetime.date) -> Company:
    """People in a reporting pyramid, tier by tier (a manager is inserted before their reports)."""
    from django.contrib.auth.hashers import make_password

    from mentoring.models import Department, User
    from mentoring.services import hr_coordinator_grant
    from programs.models import Topic

    password = make_password(None)
    total = scaled(10_069, scale, 80)
    counts = [max(minimum, round(total * share)) for _level, share, _title, minimum in TIERS]
    counts[-1] = max(TIERS[-1][3], total - 1 - sum(counts[:-1]))  # the rest; one place is the HR coordinator's
    departments = Department.objects.bulk_create(
        [Department(name=f"{name} {region}") for region in REGIONS for name in DEPARTMENTS][: scaled(40, scale, 4)]
    )
    executive_office = Department.objects.create(name="Executive Office")
    tiers: list[list[User]] = []
    for index, ((level, _share, title, _minimum), count) in enumerate(zip(TIERS, counts, strict=True)):
        tier = []
        for k in range(count):
            manager: User | None = None
            department: Department | None = executive_office
            if index:
                manager = rng.choice(tiers[index - 2] if index >= 3 and rng.random() < 0.2 else tiers[index - 1])
            if index == 2:
                department = departments[k % len(departments)]
            elif manager is not None and index > 2:
                department = manager.department if rng.random() < 0.92 else rng.choice(departments)
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            tier.append(
                User(
                    email=f"{first.lower()}.{last.lower()}.{sum(counts[:index]) + k + 1}@{DOMAIN}",
                    first_name=first,
                    last_name=last,
                    title=title,
                    department=department,
                    level=level,
                    manager=manager,
                    timezone=rng.choice(TIMEZONES),
                    language=rng.choice(["en"] * 7 + ["de"] * 2 + ["fr"]),
                    password=password,
                    date_joined=now - datetime.timedelta(days=rng.randint(30, 3000)),
                )
            )
        tiers.append(User.objects.bulk_create(tier, batch_size=BATCH))
    hr = User.objects.create(
        email=HR_EMAIL,
        first_name="Hanna",
        last_name="Roth",
        title="HR Coordinator",
        department=Department.objects.create(name="People & Culture"),
        level=40,
        manager=rng.choice(tiers[2]),
        password=password,
    )
    hr_coordinator_grant(user=hr)
    people = [person for tier in tiers for person in tier]
    return Company(
        rng=rng,
        scale=scale,
        now=now,
        today=today,
        hr=hr,
        people=people,
        juniors=[p for p in people if p.level <= 30],
        seniors=[p for p in people if p.level >= 40],
        topics=list(Topic.objects.filter(is_active=True).values_list("pk", flat=True)),
    )


def application(company: Company, program, person, role: str, status: str, when: datetime.datetime):
    from programs.models import TIME_SLOTS, Application

    rng = company.rng
    decided = status != Application.Status.SUBMITTED
    return Application(
        program=program,
        user=person,
        role=role,
        status=status,
        motivation=sentence(rng),
        hopes=sentence(rng),
        comfort_with_seniors=rng.randint(2, 5),
        time_commitment_confirmed=True,
        voluntary_consent=True,
        confidentiality_accepted=True,
        meeting_mode=rng.choice(["in_person", "remote", "hybrid", "hybrid"]),
        preferred_times=rng.sample(TIME_SLOTS, rng.randint(1, 6)),
        languages=rng.choice([["en"]] * 6 + [["de"]] + [["en", "de"]] * 3),
        style_directness=rng.randint(1, 5),
        style_structure=rng.randint(1, 5),
        style_pace=rng.randint(1, 5),
        decided_by=company.hr if decided else None,
        decided_at=when if decided else None,
        submitted_at=when,
    )


def applications(company: Company, program, people, status: str, when: datetime.datetime, *, role: str | None = None) -> list:
    """Applications of `people` (their role from their level unless given), with topics when accepted."""
    from programs.models import Application, ApplicationTopic, Role

    rng = company.rng
    rows = Application.objects.bulk_create(
        [
            application(company, program, person, role or (Role.JUNIOR if person.level <= 30 else Role.SENIOR), status, when)
            for person in people
        ],
        batch_size=BATCH,
    )
    if status == Application.Status.ACCEPTED:
        topics = []
        for row in rows:
            kind = ApplicationTopic.Kind.EXPERTISE if row.role == Role.JUNIOR else ApplicationTopic.Kind.INTEREST
            topics += [
                ApplicationTopic(application=row, topic_id=topic, kind=kind, strength=rng.randint(1, 3))
                for topic in rng.sample(company.topics, rng.randint(1, 4))
            ]
        ApplicationTopic.objects.bulk_create(topics, batch_size=BATCH)
    return rows


def invitations(company: Company, program, people, status: str, when: datetime.datetime) -> None:
    from programs.models import Invitation

    answered = when if status != Invitation.Status.PENDING else None
    Invitation.objects.bulk_create(
        [Invitation(program=program, user=p, invited_by=company.hr, status=status, created_at=when, responded_at=answered) for p in people],
        batch_size=BATCH,
    )


def transitions(company: Company, program, path: list[str], since: datetime.datetime) -> None:
    from programs.models import ProgramTransition

    ProgramTransition.objects.bulk_create(
        [
            ProgramTransition(program=program, from_status=a, to_status=b, by=company.hr, at=since + datetime.timedelta(days=7 * i))
            for i, (a, b) in enumerate(zip(["", *path], path, strict=False))
        ]
    )


def build_evaluating_program(company: Company):
    """999 confirmed pairs after ten months: meetings, logs, check-ins, the closed survey, e-mails."""
    from dateutil.relativedelta import relativedelta

    from evaluation.models import HRNote, Recommendation, Survey
    from matching.models import DEFAULT_WEIGHTS, Match, MatchMember, MatchRun
    from programs.models import CurriculumItem, Program, Role

    rng, now, hr = company.rng, company.now, company.hr
    start = company.today - relativedelta(months=10, days=14)
    pairs = scaled(999, company.scale, 2)
    program = Program.objects.create(
        name=f"Reverse Mentoring {start.year}/{(start.year + 1) % 100:02d}",
        goal=sentence(rng, 20),
        status=Program.Status.EVALUATING,
        start_date=start,
        length_months=10,
        meeting_cadence=Program.Cadence.BIWEEKLY,
        target_juniors=pairs,
        target_seniors=pairs,
        junior_max_level=30,
        senior_min_level=40,
        created_by=hr,
        created_at=now - datetime.timedelta(days=400),
    )
    program.coordinators.add(hr)
    transitions(company, program, ["draft", "recruiting", "matching", "active", "evaluating"], now - datetime.timedelta(days=400))
    curriculum = CurriculumItem.objects.bulk_create(
        [
            CurriculumItem(program=program, month=m, topic_id=rng.choice(company.topics) if m < 10 else None, title=f"Month {m}")
            for m in range(1, 11)
        ]
    )
    juniors, seniors = rng.sample(company.juniors, pairs), rng.sample(company.seniors, pairs)
    taking_part = set(juniors) | set(seniors)
    others = [p for p in company.people if p not in taking_part]
    recruited = at(start - datetime.timedelta(days=40), 10)
    invitations(company, program, [p for p in juniors + seniors if rng.random() < 0.5], "accepted", recruited)
    invitations(company, program, rng.sample(others, min(len(others), scaled(300, company.scale))), "declined", recruited)
    applications(company, program, juniors, "accepted", recruited, role=Role.JUNIOR)
    applications(company, program, seniors, "accepted", recruited, role=Role.SENIOR)
    turned_away = rng.sample(others, min(len(others), scaled(240, company.scale)))
    for k, status in enumerate(("declined", "waitlisted", "withdrawn")):
        applications(company, program, turned_away[k::3], status, recruited)
    run = MatchRun.objects.create(
        program=program,
        created_by=hr,
        created_at=recruited,
        algorithm="pairs: linear_sum_assignment (participation)",
        objective="participation",
        weights=dict(DEFAULT_WEIGHTS),
        min_level_gap=10,
        juniors_in_pool=pairs,
        seniors_in_pool=pairs,
        matches_made=pairs,
        juniors_matched=pairs,
        seniors_matched=pairs,
        total_score=60.0 * pairs,
        lowest_score=31.0,
        duration_ms=900,
        input_digest="bench",
    )
    confirmed_at = at(start - datetime.timedelta(days=10), 12)
    matches = Match.objects.bulk_create(
        [
            Match(
                program=program,
                run=run,
                status=Match.Status.CONFIRMED,
                score=round(rng.uniform(30, 95), 2),
                explanation={"reasons": [f"both care about {rng.choice(WORDS)}", "overlapping times"]},
                created_at=recruited,
                created_by=hr,
                approved_by=hr,
                approved_at=recruited,
                confirmed_at=confirmed_at,
            )
            for _ in range(pairs)
        ],
        batch_size=BATCH,
    )
    members = {m.pk: (j, s) for m, j, s in zip(matches, juniors, seniors, strict=True)}
    MatchMember.objects.bulk_create(
        [
            MatchMember(match_id=pk, user=person, role=role, response="accepted", responded_at=confirmed_at)
            for pk, (junior, senior) in members.items()
            for person, role in ((junior, Role.JUNIOR), (senior, Role.SENIOR))
        ],
        batch_size=BATCH,
    )
    build_meetings(company, program, start, {item.month: item for item in curriculum}, members)
    build_checkins(company, program, start, members)
    build_survey(company, program, members)
    recommendations = Recommendation.objects.bulk_create(
        [
            Recommendation(
                program=program,
                title=sentence(rng, 5)[:200],
                description=sentence(rng, 30),
                area=rng.choice(["technology", "work_world", "culture"]),
                status=status,
                follow_up_date=company.today + datetime.timedelta(days=60) if status == "adopted" else None,
                created_by=rng.choice(juniors),
            )
            for status in rng.choices(["proposed", "under_review", "adopted", "declined"], k=scaled(120, company.scale))
        ]
    )
    authors = Recommendation.authors.through
    authors.objects.bulk_create(
        [authors(recommendation=r, user=person) for r in recommendations for person in {r.created_by, rng.choice(juniors)}]
    )
    HRNote.objects.bulk_create([HRNote(match=rng.choice(matches), author=hr, body=sentence(rng)) for _ in range(scaled(60, company.scale))])
    Survey.objects.filter(program=program).update(status=Survey.Status.CLOSED, opened_at=now - datetime.timedelta(days=12), opened_by=hr)
    return program, pairs


def build_meetings(company: Company, program, start: datetime.date, curriculum: dict, members: dict) -> None:
    """A kickoff and two sessions a month per pair (most held, some missed, cancelled or never
    set), three group sessions, logs by about a third of the people after a held meeting, and
    the reminder e-mails sent before them."""
    from dateutil.relativedelta import relativedelta

    from notifications.models import Notification
    from sessions.models import Meeting, SessionLog

    rng = company.rng
    confirmed_at = at(start - datetime.timedelta(days=10), 12)
    meetings = []
    for match_id in members:
        for k in range(21):
            month = 1 if k == 0 else 1 + (k - 1) // 2
            day = start + relativedelta(months=month - 1, days=rng.randint(1, 12) + (14 if k and k % 2 == 0 else 0))
            status = rng.choices(["held", "missed", "cancelled", "proposed"], [95, 5, 0, 0] if k == 0 else [75, 8, 7, 10])[0]
            meetings.append(
                Meeting(
                    program=program,
                    match_id=match_id,
                    kind="kickoff" if k == 0 else "one_to_one",
                    title="Kickoff" if k == 0 else f"{curriculum[month].title} ({2 - k % 2}/2)",
                    topic_id=curriculum[month].topic_id,
                    month=month,
                    due_by=day,
                    agenda=["Topic"],
                    status=status,
                    starts_at=None if status == "proposed" else at(day, rng.randint(8, 16)),
                    duration_minutes=60 if k == 0 else 45,
                    created_at=confirmed_at,
                )
            )
    meetings += [
        Meeting(
            program=program,
            kind="group",
            title=f"Group session {q}",
            month=3 * q,
            status="held",
            starts_at=at(start + relativedelta(months=3 * q - 1, days=20), 15),
            duration_minutes=90,
        )
        for q in (1, 2, 3)
    ]
    meetings = Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    held = [meeting for meeting in meetings if meeting.status == "held" and meeting.match_id is not None]
    log_share = min(1.0, scaled(10_000, company.scale) / (2 * len(held)))
    logs, reminders = [], []
    for meeting in held:
        starts = meeting.starts_at
        assert starts is not None  # held meetings have a time
        for person in members[meeting.match_id]:
            if rng.random() < log_share:
                logs.append(
                    SessionLog(
                        meeting=meeting,
                        author=person,
                        held=True,
                        actual_minutes=rng.randint(35, 75),
                        shared=sentence(rng),
                        learned="" if rng.random() < 0.1 else sentence(rng),
                        created_at=starts + datetime.timedelta(hours=3),
                    )
                )
            if rng.random() < 0.65:
                reminded = starts - datetime.timedelta(days=1)
                reminders.append(
                    Notification(
                        recipient=person,
                        kind="meeting_reminder",
                        dedupe_key=f"meeting_reminder:{meeting.pk}:0:{person.pk}",
                        context={"meeting_id": meeting.pk},
                        program=program,
                        status="sent",
                        attempts=1,
                        created_at=reminded,
                        sent_at=reminded,
                    )
                )
    SessionLog.objects.bulk_create(logs, batch_size=BATCH)
    Notification.objects.bulk_create(reminders, batch_size=BATCH)


def build_checkins(company: Company, program, start: datetime.date, members: dict) -> None:
    """About 6,000 monthly check-ins: mostly good, some low, a few challenges and calls for HR."""
    from dateutil.relativedelta import relativedelta

    from evaluation.models import CheckIn

    rng = company.rng
    share = scaled(6_000, company.scale) / (2 * len(members) * 10)
    challenges = ["junior_doesnt_dare", "senior_not_serious", "no_time", "unclear"]
    checkins = []
    for match_id, people in members.items():
        for person in people:
            for month in range(1, 11):
                if rng.random() >= share:
                    continue
                reach_out = rng.random() < 0.015
                checkins.append(
                    CheckIn(
                        program=program,
                        match_id=match_id,
                        user=person,
                        month=month,
                        pulse=rng.choices([1, 2, 3, 4, 5], [3, 7, 20, 45, 25])[0],
                        meetings_as_planned=rng.random() < 0.85,
                        flags=[rng.choice(challenges)] if rng.random() < 0.1 else [],
                        comment=sentence(rng) if reach_out or rng.random() < 0.2 else "",
                        reach_out=reach_out,
                        created_at=at(start + relativedelta(months=month - 1, days=rng.randint(7, 20)), 18),
                    )
                )
    CheckIn.objects.bulk_create(checkins, batch_size=BATCH)


def build_survey(company: Company, program, members: dict) -> None:
    """The end-of-program survey's built-in questions, answered by 80 % of the participants."""
    from evaluation.models import Answer, Question, Response
    from evaluation.services import survey_prepare
    from programs.models import Role

    rng = company.rng
    survey = survey_prepare(program=program)
    questions = list(survey.questions.all())
    respondents = [
        Response(survey=survey, user=person, role=role, submitted_at=company.now - datetime.timedelta(days=rng.randint(1, 11)))
        for junior, senior in members.values()
        for person, role in ((junior, Role.JUNIOR), (senior, Role.SENIOR))
        if rng.random() < 0.8
    ]
    answers = []
    for response in Response.objects.bulk_create(respondents, batch_size=BATCH):
        for question in questions:
            value: Any
            if question.kind == Question.Kind.SCALE:
                value = rng.choices([1, 2, 3, 4, 5], [2, 5, 18, 45, 30])[0]
            elif question.kind == Question.Kind.YESNO:
                value = rng.random() < 0.75
            elif question.kind == Question.Kind.TOPICS:
                if rng.random() < 0.3:
                    continue  # optional
                value = sorted(rng.sample(company.topics, rng.randint(1, 3)))
            else:
                value = sentence(rng, 16)
            answers.append(Answer(response=response, question=question, value=value))
    Answer.objects.bulk_create(answers, batch_size=BATCH)


def build_matching_program(company: Company):
    """2,000 junior and 2,000 senior accepted applicants with topics, times, languages and a few
    private "rather not" lists; more people invited or still applying."""
    from programs.models import Application, Program, Role

    rng, now, hr = company.rng, company.now, company.hr
    applicants = scaled(2000, company.scale, 4)
    program = Program.objects.create(
        name=f"Reverse Mentoring {company.today.year + 1}",
        goal=sentence(rng, 20),
        status=Program.Status.MATCHING,
        start_date=company.today + datetime.timedelta(days=30),
        length_months=6,
        target_juniors=applicants,
        target_seniors=applicants,
        junior_max_level=30,
        senior_min_level=40,
        created_by=hr,
        created_at=now - datetime.timedelta(days=60),
    )
    program.coordinators.add(hr)
    transitions(company, program, ["draft", "recruiting", "matching"], now - datetime.timedelta(days=60))
    applied = now - datetime.timedelta(days=30)
    juniors, seniors = rng.sample(company.juniors, applicants), rng.sample(company.seniors, applicants)
    taking_part = set(juniors) | set(seniors)
    others = [p for p in company.people if p not in taking_part]
    invitations(company, program, [p for p in juniors + seniors if rng.random() < 0.6], "accepted", applied)
    invitations(company, program, rng.sample(others, min(len(others), scaled(500, company.scale))), "pending", applied)
    accepted = applications(company, program, juniors, "accepted", applied, role=Role.JUNIOR)
    applications(company, program, seniors, "accepted", applied, role=Role.SENIOR)
    more = rng.sample(others, min(len(others), scaled(300, company.scale)))
    for k, status in enumerate(("submitted", "declined", "waitlisted")):
        applications(company, program, more[k::3], status, applied)
    rather_not = Application.avoid_people.through
    rather_not.objects.bulk_create(
        [rather_not(application=a, user=rng.choice(seniors)) for a in accepted if rng.random() < 0.05], batch_size=BATCH
    )
    return program, applicants


def build_other_programs(company: Company) -> None:
    """The rest of an HR coordinator's list: a closed pilot, a program recruiting, a draft."""
    from dateutil.relativedelta import relativedelta

    from matching.models import Match, MatchMember
    from programs.models import Program, Role

    rng, now, hr = company.rng, company.now, company.hr
    pilot = Program.objects.create(
        name="Pilot", goal=sentence(rng), status=Program.Status.CLOSED, start_date=company.today - relativedelta(years=2), created_by=hr
    )
    transitions(company, pilot, ["draft", "recruiting", "matching", "active", "evaluating", "closed"], now - datetime.timedelta(days=800))
    ended = Match.objects.bulk_create([Match(program=pilot, status=Match.Status.ENDED) for _ in range(scaled(40, company.scale))])
    MatchMember.objects.bulk_create(
        [
            MatchMember(match=m, user=rng.choice(pool), role=role, response="accepted")
            for m in ended
            for pool, role in ((company.juniors, Role.JUNIOR), (company.seniors, Role.SENIOR))
        ]
    )
    recruiting = Program.objects.create(
        name=f"Reverse Mentoring {company.today.year + 1} (second round)",
        goal=sentence(rng),
        status=Program.Status.RECRUITING,
        open_for_applications=True,
        created_by=hr,
    )
    invited = rng.sample(company.people, min(len(company.people), scaled(800, company.scale)))
    invitations(company, recruiting, invited, "pending", now)
    applications(company, recruiting, invited[: scaled(400, company.scale)], "submitted", now)
    Program.objects.create(name="Leadership exchange (draft)", goal=sentence(rng), created_by=hr)


def reporting_depth() -> int:
    """People in the longest reporting chain (someone without a manager counts 1)."""
    from mentoring.models import User

    managers: dict[int, int | None] = dict(User.objects.values_list("pk", "manager_id"))
    depth: dict[int, int] = {}
    for pk in managers:
        chain: list[int] = []
        current: int | None = pk
        while current is not None and current not in depth and len(chain) <= len(managers):
            chain.append(current)
            current = managers.get(current)
        level = depth.get(current, 0) if current is not None else 0
        for person in reversed(chain):
            level += 1
            depth[person] = level
    return max(depth.values(), default=0)
