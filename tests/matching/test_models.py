"""What the database refuses about matching, and who did what to a match."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from matching.models import Match, MatchingConfig, PairRule
from matching.services import match_end, matching_run, pair_rule_set
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db


def test_a_pair_rule_is_about_two_different_people(cohort, hr):
    program, people = cohort
    dev, lead = people["dev"], people["eng_lead"]
    with pytest.raises(IntegrityError, match="pair_rule_two_people"), transaction.atomic():
        PairRule.objects.create(program=program, junior=dev, senior=dev, kind=PairRule.Kind.FORBID, created_by=hr)
    PairRule.objects.create(program=program, junior=dev, senior=lead, kind=PairRule.Kind.FORBID, created_by=hr)
    assert PairRule.objects.filter(program=program).count() == 1


@pytest.mark.parametrize("kind", [PairRule.Kind.FORBID, PairRule.Kind.PIN])
def test_the_service_refuses_a_rule_on_one_person_with_a_message(cohort, hr, kind):
    program, people = cohort
    with pytest.raises(ValidationError, match="two different people"):
        pair_rule_set(program=program, junior=people["dev"], senior=people["dev"], kind=kind, by=hr)
    assert not PairRule.objects.exists()


def test_ending_a_match_records_who_ended_it(hr):
    program, people = confirmed_pairs(hr)
    match = Match.objects.get(program=program)
    assert match.ended_by is None
    match_end(match=match, by=hr, reason="Never found time")
    match.refresh_from_db()
    assert (match.status, match.ended_by, match.end_reason) == (Match.Status.ENDED, hr, "Never found time")
    assert match.ended_at is not None


def test_a_run_records_its_objective_as_one_of_the_choices(cohort, hr):
    program, people = cohort
    run = matching_run(program=program, by=hr)
    assert run.objective == MatchingConfig.Objective.PARTICIPATION
    assert run.get_objective_display() == MatchingConfig.Objective.PARTICIPATION.label
