"""A participant's private "rather not" list steers the engine and is never revealed to HR.

HR sees its own rules and the declined pairs, so any refusal or wording that HR cannot explain by
those would point at a private list. Hence: HR's own pairings (by hand, or pinned) are not
checked against private lists — the pair still needs both people's acceptance, and only the
person who listed the other is reminded on their offer — and every exclusion reads the same.
"""

import pytest
from django.urls import reverse

from matching.models import Match, PairRule
from matching.reasons import render
from matching.services import match_create_manual, match_respond, matches_approve, matching_run, pair_rule_set

pytestmark = pytest.mark.django_db


def avoid(program, person, other):
    program.applications.get(user=person).avoid_people.add(other)


def what_hr_sees(client, program) -> str:
    """The review page's own content (the navigation has "Profile and preferences")."""
    page = client.get(reverse("matching:review", args=[program.pk])).content.decode()
    return page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("listed_by", ["designer", "eng_lead"])
def test_a_pair_by_hand_is_not_refused_on_account_of_a_private_list(cohort, hr, listed_by):
    program, people = cohort
    other = "eng_lead" if listed_by == "designer" else "designer"
    avoid(program, people[listed_by], people[other])
    match = match_create_manual(program=program, junior=people["designer"], senior=people["eng_lead"], by=hr)
    assert match.status == Match.Status.PROPOSED and match.reasons[0] == "matched by HR"


def test_a_pair_by_hand_with_and_without_a_private_list_look_the_same(cohort, hr):
    program, people = cohort
    plain = match_create_manual(program=program, junior=people["designer"], senior=people["eng_lead"], by=hr)
    plain_view = (plain.score, plain.explanation)
    plain.delete()
    avoid(program, people["designer"], people["eng_lead"])
    listed = match_create_manual(program=program, junior=people["designer"], senior=people["eng_lead"], by=hr)
    assert (listed.score, listed.explanation) == plain_view


def test_a_pin_is_kept_and_placed_whatever_the_private_lists(cohort, hr):
    program, people = cohort
    avoid(program, people["eng_lead"], people["designer"])
    pair_rule_set(program=program, junior=people["designer"], senior=people["eng_lead"], kind=PairRule.Kind.PIN, by=hr)
    matching_run(program=program, by=hr)
    pinned = Match.objects.get(program=program, status=Match.Status.PROPOSED, members__user=people["designer"])
    assert pinned.source == Match.Source.PINNED and set(pinned.members.values_list("user__email", flat=True)) == {
        "designer@acme.test",
        "englead@acme.test",
    }


def test_the_engine_still_never_proposes_the_pair(cohort, hr):
    program, people = cohort
    avoid(program, people["designer"], people["eng_lead"])
    matching_run(program=program, by=hr)
    assert (
        not Match.objects.filter(program=program, status=Match.Status.PROPOSED, members__user=people["designer"])
        .filter(members__user=people["eng_lead"])
        .exists()
    )


def _erin_left_over(program, people, hr, cause):
    """dev–Pat is offered; Dana–Erin is kept apart by `cause`; run again; what does HR read about Erin?"""
    matching_run(program=program, by=hr)
    matches_approve(program=program, by=hr)
    dana_erin = Match.objects.get(program=program, members__user=people["designer"])
    if cause == "decline":
        match_respond(match=dana_erin, user=people["eng_lead"], accept=False)
    else:
        Match.objects.filter(pk=dana_erin.pk).delete()
        if cause == "hr rule":
            pair_rule_set(program=program, junior=people["designer"], senior=people["eng_lead"], kind=PairRule.Kind.FORBID, by=hr)
        else:
            avoid(program, people["designer"], people["eng_lead"])
    run = matching_run(program=program, by=hr)
    return {row["name"]: render(row["reason"]) for row in run.unmatched}["Erin Lead"]


def test_every_exclusion_reads_the_same_and_none_names_the_private_list(cohort, hr):
    program, people = cohort
    reason = _erin_left_over(program, people, hr, "private")
    assert reason == "no allowed partner: every junior is ruled out (reporting chain or an exclusion)"
    assert "private" not in reason and "preference" not in reason


@pytest.mark.parametrize("cause", ["hr rule", "decline"])
def test_hr_rules_and_declines_read_the_same_as_a_private_list(cohort, hr, cause):
    program, people = cohort
    assert _erin_left_over(program, people, hr, cause) == "no allowed partner: every junior is ruled out (reporting chain or an exclusion)"


def test_the_review_page_never_mentions_private_lists(hr_client, cohort, hr):
    program, people = cohort
    avoid(program, people["designer"], people["eng_lead"])
    matching_run(program=program, by=hr)
    hr_client.post(
        reverse("matching:pair", args=[program.pk]), {"junior": people["designer"].pk, "senior": people["eng_lead"].pk, "kind": "manual"}
    )
    page = what_hr_sees(hr_client, program).lower()
    assert "private" not in page and "preference" not in page and "rather not" not in page


def test_only_the_person_who_listed_the_partner_is_reminded_on_the_offer(client, cohort, hr):
    program, people = cohort
    avoid(program, people["designer"], people["eng_lead"])
    match = match_create_manual(program=program, junior=people["designer"], senior=people["eng_lead"], by=hr)
    matches_approve(program=program, by=hr, matches=[match])
    reminder = "You told us you would rather not be matched with Erin Lead."
    client.force_login(people["designer"])
    assert reminder in client.get(match.get_absolute_url()).content.decode()
    client.force_login(people["eng_lead"])
    page = client.get(match.get_absolute_url()).content.decode()
    assert "rather not" not in page and "Dana Design" in page
    client.force_login(people["designer"])
    client.post(match.get_absolute_url(), {"answer": "decline", "reason": ""})
    match.refresh_from_db()
    assert match.status == Match.Status.DECLINED  # the person keeps the last word
