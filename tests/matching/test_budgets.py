"""Matching at two sizes: the run, the approval and the review page cost the same number of
queries with a few people as with many, and load no model instance per person that they do
not write or show (tests/budgets.py). Cohorts are built as the benchmark builds them."""

import random

import pytest
from django.urls import reverse

from matching.bench import _build
from matching.models import Match
from matching.notifications import MATCH_OFFERED
from matching.services import matches_approve, matching_run
from matching.views import FREE_SHOWN, PAGE_SIZE
from notifications.models import Notification
from tests.budgets import assert_flat, measure

pytestmark = pytest.mark.django_db


def cohort(size: int):
    """`size` accepted juniors and seniors in a program in matching (the benchmark's company)."""
    return _build(size, random.Random(size))


def test_a_run_costs_the_same_queries_and_loads_nobody_one_by_one():
    costs = []
    for size in (12, 40):
        program, hr = cohort(size)
        cost = measure(lambda program=program, hr=hr: matching_run(program=program, by=hr), warm=False)
        assert cost.result.matches_made == size
        costs.append(cost)
    # The proposals it writes are built in memory for the insert; nothing else grows: no
    # application, person, department or topic row becomes an object.
    assert_flat(*costs, ceiling=25, listed={"matching.Match", "matching.MatchMember"})
    assert not {"programs.Application", "programs.ApplicationTopic", "mentoring.User"} & set(costs[1].instances)


def test_approving_costs_the_same_queries_for_few_and_many_and_mails_each_member_once():
    costs, programs = [], []
    # 60 outbox rows at most: SQLite takes them in one insert (PostgreSQL takes any number).
    for size in (10, 30):
        program, hr = cohort(size)
        matching_run(program=program, by=hr)
        costs.append(measure(lambda program=program, hr=hr: matches_approve(program=program, by=hr), warm=False))
        programs.append(program)
    assert [cost.result for cost in costs] == [10, 30]
    assert_flat(*costs, ceiling=12, listed={"notifications.Notification"})
    assert "matching.Match" not in costs[1].instances  # ids and one UPDATE, no objects per match

    program = programs[1]
    members = Match.objects.filter(program=program).values_list("pk", "members__user_id")
    expected = {f"{MATCH_OFFERED}:{match_id}:{user_id}" for match_id, user_id in members}
    rows = Notification.objects.filter(kind=MATCH_OFFERED, program=program)
    assert set(rows.values_list("dedupe_key", flat=True)) == expected and rows.count() == 60
    assert {row.context["match_id"] for row in rows} == set(Match.objects.filter(program=program).values_list("pk", flat=True))
    assert set(Match.objects.filter(program=program).values_list("status", flat=True)) == {Match.Status.APPROVED}
    # Again: nothing left to offer, nobody mailed twice.
    assert matches_approve(program=program, by=program.created_by) == 0
    assert rows.count() == 60


def review_at(size: int, kept: int):
    """A program with `kept` proposals and everyone else accepted and free."""
    program, hr = cohort(size)
    matching_run(program=program, by=hr)
    keep = list(Match.objects.filter(program=program).order_by("pk").values_list("pk", flat=True)[:kept])
    Match.objects.filter(program=program).exclude(pk__in=keep).update(status=Match.Status.DISCARDED)
    return program


SHOWN = {"matching.Match", "matching.MatchMember", "mentoring.User", "mentoring.Department"}


@pytest.mark.parametrize("query", ["", "?q=junior&page=1", "?status=proposed&score=60", "?q=1&flag=low_availability&page=2"])
def test_the_review_page_shows_one_page_and_a_hundred_free_people_whatever_the_size(hr_client, query):
    small, large = review_at(140, kept=30), review_at(300, kept=70)  # 110 and 230 free people per side
    costs = [
        measure(lambda program=program: hr_client.get(reverse("matching:review", args=[program.pk]) + query)) for program in (small, large)
    ]
    if query in {"", "?q=junior&page=1"}:  # a full page at both sizes: every model loads as much
        assert_flat(*costs, ceiling=15)
    else:  # a filter shows a part of the proposals, never more than a page
        assert_flat(*costs, ceiling=15, listed=SHOWN)
        assert costs[1].instances["matching.Match"] <= PAGE_SIZE
        assert costs[1].instances["mentoring.User"] <= 2 * PAGE_SIZE + 2 * FREE_SHOWN + 2  # + HR and the run's author
    page = costs[1].result.content.decode()
    assert costs[1].result.status_code == 200
    if not query:
        assert costs[1].instances["matching.Match"] == PAGE_SIZE
        assert page.count('class="card shadow-sm match-card"') == PAGE_SIZE
        assert page.count("<option value=") - page.count('<option value="manual">') >= 2 * FREE_SHOWN
        assert "Free now: 230 junior mentor(s), 230 senior mentee(s)." in page
        assert "Page 1 of 3" in page
