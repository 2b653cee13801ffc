"""Pair rules set at the same moment (issue 12, item 9): a person is never pinned to two partners,
and the same rule set twice at once is one rule. Never a 500."""

import functools

import pytest
from django.core.exceptions import ValidationError

from matching.models import PairRule
from matching.services import pair_rule_set
from tests.races import needs_postgres, race

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]


def test_pinning_one_junior_to_two_seniors_at_once_keeps_one_pin(cohort, hr):
    program, people = cohort
    for _round in range(5):
        PairRule.objects.filter(program=program).delete()
        outcomes = race(
            *[
                functools.partial(pair_rule_set, program=program, junior=people["designer"], senior=people[senior], kind="pin", by=hr)
                for senior in ("eng_lead", "product_lead")
            ]
        )
        assert [outcome.ok for outcome in outcomes].count(True) == 1, [outcome.error for outcome in outcomes]
        refused = next(outcome.error for outcome in outcomes if not outcome.ok)
        assert isinstance(refused, ValidationError) and refused.messages == [
            "One of them is already pinned to someone else; remove that pin first."
        ]
        assert PairRule.objects.filter(program=program, junior=people["designer"], kind="pin").count() == 1


def test_the_same_rule_set_many_times_at_once_is_one_rule(cohort, hr):
    program, people = cohort
    forbid = functools.partial(
        pair_rule_set, program=program, junior=people["designer"], senior=people["product_lead"], kind="forbid", by=hr, reason="Same team"
    )
    outcomes = race(*[forbid for _ in range(10)])
    assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
    assert PairRule.objects.filter(program=program).count() == 1
