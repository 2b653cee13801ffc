"""Matching rows for tests that need a pair to exist, not the way it was made (that is
`tests/matching/conftest.py`'s cohort and `tests/sessions/conftest.py`'s `confirmed_pairs`)."""

import factory
from django.utils import timezone

from matching.models import DEFAULT_WEIGHTS, Match, MatchingConfig, MatchMember, MatchRun, PairRule
from mentoring.models import Level
from programs.models import Program, Role
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory

ANSWERED = (Match.Status.CONFIRMED, Match.Status.PAUSED, Match.Status.ENDED)


def member(match: Match, role: str = Role.JUNIOR):
    """The person on `role`'s side of a pair."""
    return match.members.get(role=role).user


class MatchRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchRun

    program = factory.SubFactory(ProgramFactory, status=Program.Status.MATCHING)
    algorithm = "linear_sum_assignment"
    objective = MatchingConfig.Objective.PARTICIPATION
    weights = factory.LazyFunction(lambda: dict(DEFAULT_WEIGHTS))
    min_level_gap = 10
    created_by = factory.SelfAttribute("program.created_by")
    input_digest = factory.Sequence(lambda n: f"{n:064x}")


class MatchMemberFactory(factory.django.DjangoModelFactory):
    """One side of a pair; pass `match` (MatchFactory adds both sides itself)."""

    class Meta:
        model = MatchMember

    user = factory.SubFactory(UserFactory, level=Level.JUNIOR)
    role = Role.JUNIOR
    response = factory.LazyAttribute(
        lambda o: MatchMember.Response.ACCEPTED if o.match.status in ANSWERED else MatchMember.Response.PENDING
    )
    responded_at = factory.LazyAttribute(lambda o: timezone.now() if o.response != MatchMember.Response.PENDING else None)


class MatchFactory(factory.django.DjangoModelFactory):
    """A confirmed junior–senior pair of an active program, both sides accepted. Pass `junior=`
    and `senior=` for known people, `status=` for another moment of its life."""

    class Meta:
        model = Match
        skip_postgeneration_save = True

    class Params:
        junior = factory.SubFactory(UserFactory, level=Level.JUNIOR)
        senior = factory.SubFactory(UserFactory, level=Level.DIRECTOR)

    program = factory.SubFactory(ProgramFactory, active=True)
    status = Match.Status.CONFIRMED
    score = 0.8
    explanation = factory.LazyFunction(lambda: {"reasons": ["Shares AI and automation"]})
    approved_at = factory.LazyAttribute(lambda o: timezone.now() if o.status != Match.Status.PROPOSED else None)
    confirmed_at = factory.LazyAttribute(lambda o: timezone.now() if o.status in ANSWERED else None)
    junior_member = factory.RelatedFactory(
        MatchMemberFactory, factory_related_name="match", user=factory.SelfAttribute("..junior"), role=Role.JUNIOR
    )
    senior_member = factory.RelatedFactory(
        MatchMemberFactory, factory_related_name="match", user=factory.SelfAttribute("..senior"), role=Role.SENIOR
    )


class PairRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairRule

    program = factory.SubFactory(ProgramFactory, status=Program.Status.MATCHING)
    junior = factory.SubFactory(UserFactory, level=Level.JUNIOR)
    senior = factory.SubFactory(UserFactory, level=Level.DIRECTOR)
    kind = PairRule.Kind.FORBID
    reason = "They work on the same team."
    created_by = factory.SelfAttribute("program.created_by")
