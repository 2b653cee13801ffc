"""Pair rules set at the same moment (issue 12, item 9): a person is never pinned to two partners,
and the same rule set twice at once is one rule. Approvals and discards at once (issue 13): each
proposal offered once or discarded, each member mailed once. Never a 500."""

import functools

import pytest
from django.core.exceptions import ValidationError

from matching.models import Match, PairRule
from matching.notifications import MATCH_OFFERED
from matching.services import match_discard, matches_approve, matching_run, pair_rule_set
from notifications.models import Notification
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


def test_approving_and_discarding_at_once_offers_each_proposal_once_and_mails_each_member_once(cohort, hr):
    """Approvals of all, approvals of one and discards at once: every proposal ends offered or
    discarded, never both, and each member of an offered one has one outbox row."""
    program, people = cohort
    matching_run(program=program, by=hr)
    first, second = Match.objects.filter(program=program).order_by("pk")
    outcomes = race(
        *[functools.partial(matches_approve, program=program, by=hr) for _ in range(4)],
        functools.partial(matches_approve, program=program, by=hr, match_ids=[first.pk]),
        *[functools.partial(match_discard, match=second) for _ in range(3)],
    )
    assert all(outcome.ok or isinstance(outcome.error, ValidationError) for outcome in outcomes), [o.error for o in outcomes]
    assert sum(outcome.value or 0 for outcome in outcomes[:5]) == Match.objects.filter(status=Match.Status.APPROVED).count()
    offered = Match.objects.filter(program=program, status=Match.Status.APPROVED)
    assert first in offered  # never discarded
    keys = list(Notification.objects.filter(kind=MATCH_OFFERED).values_list("dedupe_key", flat=True))
    assert sorted(keys) == sorted(f"{MATCH_OFFERED}:{m.pk}:{u}" for m in offered for u in m.members.values_list("user_id", flat=True))
    assert set(Match.objects.filter(program=program).values_list("status", flat=True)) <= {Match.Status.APPROVED, Match.Status.DISCARDED}
