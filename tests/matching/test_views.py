"""Matching pages: only HR runs and approves; a participant sees only their own offered match."""

import pytest
from django.urls import reverse

from matching.models import Match, PairRule
from matching.services import matches_approve, matching_run
from mentoring.models import Level
from programs.models import Program
from programs.services import application_decide, program_transition
from tests.budgets import assert_flat, measure
from tests.matching.factories import PairRuleFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory, apply, tech_program

pytestmark = pytest.mark.django_db


def hr_posts(program, match):
    return [
        (reverse("matching:run", args=[program.pk]), {}),
        (
            reverse("matching:config", args=[program.pk]),
            {"topics": 1, "availability": 1, "chemistry": 1, "diversity": 1, "objective": "score", "min_level_gap": 0},
        ),
        (reverse("matching:approve", args=[program.pk]), {}),
        (reverse("matching:pair", args=[program.pk]), {"junior": 1, "senior": 2, "kind": "forbid"}),
        (reverse("matching:discard", args=[program.pk, match.pk]), {}),
        (reverse("matching:end", args=[program.pk, match.pk]), {"reason": "x"}),
    ]


@pytest.mark.parametrize("persona", ["junior", "senior", "outsider"])
def test_only_hr_sees_and_changes_matching(client, request, cohort, hr, persona):
    program, _people = cohort
    matching_run(program=program, by=hr)
    match = Match.objects.filter(program=program).first()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("matching:review", args=[program.pk])).status_code == 403
    for url, data in hr_posts(program, match):
        assert client.post(url, data).status_code == 403, url
    assert Match.objects.filter(program=program, status=Match.Status.PROPOSED).count() == 2
    assert not PairRule.objects.exists()


def test_hr_without_mfa_is_sent_to_set_it_up(client, cohort, hr_without_mfa):
    program, _people = cohort
    client.force_login(hr_without_mfa)
    response = client.get(reverse("matching:review", args=[program.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))


def test_hr_runs_reads_and_approves_through_the_pages(hr_client, cohort):
    program, people = cohort
    response = hr_client.post(reverse("matching:run", args=[program.pk]), follow=True)
    page = response.content.decode()
    assert "2 proposals" in page and "shares developer experience" in page
    assert "Approve all and offer" in page
    hr_client.post(reverse("matching:approve", args=[program.pk]))
    assert Match.objects.filter(program=program, status=Match.Status.APPROVED).count() == 2


@pytest.mark.parametrize("chosen", [["abc"], ["1.5"], ["9" * 30], ["-1"], [""]])
def test_approving_a_malformed_selection_offers_nothing_and_says_why(hr_client, cohort, hr, chosen):
    """Security review (issue 10 F): this was a 500, and must never fall back to "approve all"."""
    program, people = cohort
    matching_run(program=program, by=hr)
    first = Match.objects.filter(program=program).first()
    response = hr_client.post(reverse("matching:approve", args=[program.pk]), {"matches": [str(first.pk), *chosen]}, follow=True)
    assert response.status_code == 200 and "Choose the matches to offer from the list." in response.content.decode()
    assert not Match.objects.filter(program=program, status=Match.Status.APPROVED).exists()


def test_approving_a_chosen_match_offers_only_that_one(hr_client, cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    first = Match.objects.filter(program=program).first()
    hr_client.post(reverse("matching:approve", args=[program.pk]), {"matches": [first.pk]})
    assert list(Match.objects.filter(program=program, status=Match.Status.APPROVED)) == [first]


def test_refused_manual_match_shows_the_reason(hr_client, cohort):
    program, people = cohort
    response = hr_client.post(
        reverse("matching:pair", args=[program.pk]),
        {"junior": people["dev"].pk, "senior": people["eng_lead"].pk, "kind": "manual"},
        follow=True,
    )
    assert "they are in one reporting chain" in response.content.decode()
    assert not Match.objects.exists()


def test_participant_sees_only_their_own_offered_match(client, cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    mine = Match.objects.get(members__user=people["dev"])
    theirs = Match.objects.get(members__user=people["designer"])
    client.force_login(people["dev"])
    assert client.get(reverse("matching:my_match", args=[mine.pk])).status_code == 404  # a proposal is HR's draft
    matches_approve(program=program, by=hr)
    page = client.get(reverse("matching:my_match", args=[mine.pk])).content.decode()
    assert "You and Pat Product" in page and "Why you were matched" in page
    assert client.get(reverse("matching:my_match", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("matching:my_match", args=[theirs.pk]), {"answer": "decline"}).status_code == 404
    client.force_login(hr)
    assert client.get(reverse("matching:my_match", args=[mine.pk])).status_code == 404
    assert Match.objects.get(pk=theirs.pk).status == Match.Status.APPROVED


def test_participant_accepts_and_declines_through_the_page(client, cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    match = Match.objects.get(members__user=people["dev"])
    client.force_login(people["dev"])
    client.post(reverse("matching:my_match", args=[match.pk]), {"answer": "accept"})
    client.force_login(people["product_lead"])
    home = client.get(reverse("portal:home")).content.decode()
    assert "Please answer" in home
    client.post(reverse("matching:my_match", args=[match.pk]), {"answer": "decline", "reason": "Timing"})
    match.refresh_from_db()
    assert match.status == Match.Status.DECLINED


def reviewed_program(hr, pairs):
    """A program in matching with `pairs` proposals, half of them offered."""
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    for _ in range(pairs):
        for level in (Level.JUNIOR, Level.DIRECTOR):
            application_decide(application=apply(program, UserFactory(level=level, verified=False)), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr, matches=list(Match.objects.filter(program=program)[: pairs // 2]))
    return program


def test_review_page_costs_the_same_at_two_sizes(hr_client, hr):
    small_program, large_program = reviewed_program(hr, 4), reviewed_program(hr, 24)
    small = measure(lambda: hr_client.get(reverse("matching:review", args=[small_program.pk])))
    large = measure(lambda: hr_client.get(reverse("matching:review", args=[large_program.pk])))
    # Each match card shows its members (and their departments): those grow with the pairs.
    assert_flat(small, large, ceiling=15, listed={"matching.Match", "matching.MatchMember", "mentoring.User", "mentoring.Department"})
    assert (small.instances["matching.Match"], large.instances["matching.Match"]) == (4, 24)
    assert large.result.content.decode().count('class="card shadow-sm match-card"') == 24


def test_pair_rules_are_removed_by_hr_only_through_their_own_program(client, cohort, hr, junior, senior, outsider):
    program, people = cohort
    rule = PairRuleFactory(program=program, junior=people["dev"], senior=people["product_lead"], created_by=hr)
    url = reverse("matching:rule_remove", args=[program.pk, rule.pk])
    for person in (junior, senior, outsider, people["dev"], people["product_lead"]):
        client.force_login(person)
        assert client.post(url).status_code == 403, person
    client.force_login(hr)
    elsewhere = ProgramFactory(status=Program.Status.MATCHING)
    assert client.post(reverse("matching:rule_remove", args=[elsewhere.pk, rule.pk])).status_code == 404
    assert PairRule.objects.filter(pk=rule.pk).exists()
    assert client.post(url).status_code == 302
    assert not PairRule.objects.filter(pk=rule.pk).exists()
