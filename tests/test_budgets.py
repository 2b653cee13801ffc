"""The budget helper itself fails where it must: a query per row, or a whole table loaded by
one query, is caught at two sizes however generous the ceiling."""

import pytest

from mentoring.models import User
from tests.budgets import assert_flat, measure
from tests.mentoring.factories import UserFactory

pytestmark = pytest.mark.django_db


def costs_at_two_sizes(read):
    boss = UserFactory()
    UserFactory.create_batch(2, manager=boss)
    small = measure(read)
    UserFactory.create_batch(8, manager=boss)
    return small, measure(read)


def test_a_query_per_row_fails():
    small, large = costs_at_two_sizes(lambda: [person.manager.email for person in User.objects.exclude(manager=None)])
    with pytest.raises(AssertionError, match="3 queries with few rows, 11 with many: an N\\+1"):
        assert_flat(small, large, ceiling=100, listed={"mentoring.User"})


def test_a_whole_table_loaded_by_one_query_fails_unless_the_page_lists_it():
    small, large = costs_at_two_sizes(lambda: list(User.objects.select_related("manager")))
    assert small.count == large.count == 1
    with pytest.raises(AssertionError, match="'mentoring.User': \\(5, 21\\)"):
        assert_flat(small, large, ceiling=100)
    assert_flat(small, large, ceiling=1, listed={"mentoring.User"})


def test_the_ceiling_still_counts():
    small, large = costs_at_two_sizes(lambda: (User.objects.count(), User.objects.count()))
    with pytest.raises(AssertionError, match="2 queries, budget 1"):
        assert_flat(small, large, ceiling=1)
