"""HR's program list with a busy program (issue 13): every count is right when a program has
applications, invitations, check-ins and meetings together, and counting them never joins
those relations to each other (2,000 × 6,000 × 21,000 rows for a 1,000-pair program)."""

import datetime
import json

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from evaluation.models import CheckIn
from programs.models import Application, Invitation, Program, Role
from programs.selectors import OPEN_STATUSES, programs_for_hr
from sessions.models import Meeting
from tests.budgets import assert_flat, measure
from tests.evaluation.factories import CheckInFactory
from tests.matching.factories import MatchFactory, member
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory
from tests.sessions.factories import MeetingFactory

pytestmark = pytest.mark.django_db

needs_postgres = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="counts the rows of PostgreSQL's EXPLAIN ANALYZE"
)

STATUSES = [
    Application.Status.ACCEPTED,
    Application.Status.SUBMITTED,
    Application.Status.WAITLISTED,
    Application.Status.DECLINED,
    Application.Status.WITHDRAWN,
]


def busy(program: Program, hr, pairs: int) -> None:
    """`pairs` pairs, each with two applications, invitations, several check-ins and meetings:
    enough of every relation that a join of them all multiplies rows."""
    now = timezone.now()
    for index in range(pairs):
        match = MatchFactory(program=program)
        junior, senior = member(match, Role.JUNIOR), member(match, Role.SENIOR)
        for offset, (person, role) in enumerate([(junior, Role.JUNIOR), (senior, Role.SENIOR)]):
            invitation = Invitation.objects.create(program=program, user=person, invited_by=hr)
            Application.objects.create(
                program=program,
                user=person,
                role=role,
                status=STATUSES[(index + offset) % len(STATUSES)],
                motivation="m",
                hopes="h",
                voluntary_consent=True,
                confidentiality_accepted=True,
                time_commitment_confirmed=True,
                comfort_with_seniors=3,
                openness_statement="Honest feedback.",
                invitation=invitation,
            )
        # Both members worried this month: one pair with a warning sign, not two.
        CheckInFactory(match=match, user=junior, month=1, worried=index % 2 == 0)
        CheckInFactory(match=match, user=senior, month=1, pulse=1 if index % 2 == 0 else 5)
        CheckInFactory(match=match, user=junior, month=2, created_at=now - datetime.timedelta(days=40), worried=True)  # too old
        MeetingFactory(match=match, status=Meeting.Status.MISSED, starts_at=now - datetime.timedelta(days=3))
        MeetingFactory(match=match, status=Meeting.Status.MISSED, starts_at=now - datetime.timedelta(days=45))  # too old
        MeetingFactory(match=match, held=True)
    # People invited who have not applied (yet).
    for _ in range(pairs):
        Invitation.objects.create(program=program, user=UserFactory(), invited_by=hr)


def counted_one_by_one(program: Program) -> dict[str, int]:
    since = timezone.now() - datetime.timedelta(days=31)
    applications = Application.objects.filter(program=program)
    worried = Q(pulse__lte=2) | Q(reach_out=True) | ~Q(flags=[])
    return {
        "applicants": applications.filter(status__in=OPEN_STATUSES).count(),
        "accepted_juniors": applications.filter(status=Application.Status.ACCEPTED, role=Role.JUNIOR).count(),
        "accepted_seniors": applications.filter(status=Application.Status.ACCEPTED, role=Role.SENIOR).count(),
        "awaiting": applications.filter(status=Application.Status.SUBMITTED).count(),
        "invited": Invitation.objects.filter(program=program).count(),
        "alerts": CheckIn.objects.filter(program=program, created_at__gte=since).filter(worried).values("match").distinct().count(),
        "missed": Meeting.objects.filter(program=program, status=Meeting.Status.MISSED, starts_at__gte=since).count(),
    }


def listed_counts(program: Program) -> dict[str, int]:
    listed = programs_for_hr().get(pk=program.pk)
    return {name: getattr(listed, name) for name in counted_one_by_one(program)}


def test_every_count_matches_a_count_of_its_own(hr):
    program = ProgramFactory(active=True, created_by=hr)
    busy(program, hr, pairs=6)
    quiet = ProgramFactory(recruiting=True, created_by=hr)
    expected = counted_one_by_one(program)
    # The data really exercises every count (several of each, so a multiplied join would show).
    assert expected == {
        "applicants": 8,
        "accepted_juniors": 2,
        "accepted_seniors": 1,
        "awaiting": 3,
        "invited": 18,
        "alerts": 3,
        "missed": 6,
    }
    assert listed_counts(program) == expected
    assert listed_counts(quiet) == dict.fromkeys(expected, 0)


def test_the_list_page_costs_the_same_however_busy_the_programs_are(hr_client, hr):
    url = reverse("programs:manage_list")
    program = ProgramFactory(active=True, created_by=hr)
    program.coordinators.add(hr)
    busy(program, hr, pairs=2)
    small = measure(lambda: hr_client.get(url))
    busy(program, hr, pairs=10)
    large = measure(lambda: hr_client.get(url))
    assert_flat(small, large, ceiling=10)
    page = large.result.content.decode()
    expected = counted_one_by_one(program)
    assert f'<td class="text-end">{expected["invited"]}</td>' in page
    assert f'<td class="text-end">{expected["applicants"]}</td>' in page
    signs = expected["alerts"] + expected["missed"]
    assert f"{signs} warning signs" in page


def rows_the_database_handles(queryset) -> int:
    """Rows every step of PostgreSQL's plan produced, over all its loops (EXPLAIN ANALYZE)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)

    def total(node: dict) -> int:
        return node["Actual Rows"] * node["Actual Loops"] + sum(total(child) for child in node.get("Plans", []))

    return total(plan[0]["Plan"])


@needs_postgres
def test_counting_reads_each_relation_once_instead_of_joining_them_together(hr):
    program = ProgramFactory(active=True, created_by=hr)
    busy(program, hr, pairs=6)
    related = (
        Application.objects.filter(program=program).count()
        + Invitation.objects.filter(program=program).count()
        + CheckIn.objects.filter(program=program).count()
        + Meeting.objects.filter(program=program).count()
    )
    # 12 applications × 18 invitations × 18 check-ins × 18 meetings joined would be ~70,000 rows;
    # read one relation at a time (the applications for each of their four counts) it is a few
    # times the 66 related rows.
    assert rows_the_database_handles(programs_for_hr()) <= 10 * related
