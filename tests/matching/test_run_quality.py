"""HR's review page says how good the latest run is, in words; and peer exchange programs get a
review page that speaks of one pool: the partner rule as a choice, pairs by hand of any two free
volunteers, and one "people paired" figure."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from matching.models import Match, MatchingConfig, MatchRun
from matching.services import matching_run
from mentoring.models import Level
from programs.models import Application, Role
from tests.matching.test_peer_exchange import peer_program, to_matching, volunteer

pytestmark = pytest.mark.django_db

GROUPS_OPTIMAL = "Optimal: no other grouping places more people or scores higher."
PAIRS_OPTIMAL = "Optimal: no other pairing places more people or scores higher."
GROUPS_UNKNOWN = (
    "Good groups found, but the search stopped before it could prove how close they are to the best possible; "
    "a longer search (MATCHING_GROUP_SECONDS) may improve them."
)
SAME_AGAIN = "The search stopped at its time limit; a run with more time may find slightly better groups."


def a_run(program=None, *, algorithm="groups: columns", proven_optimal=False, optimality_gap=None, objective="participation", **fields):
    return MatchRun(
        program=program,
        algorithm=algorithm,
        objective=objective,
        weights={},
        min_level_gap=10,
        proven_optimal=proven_optimal,
        optimality_gap=optimality_gap,
        **fields,
    )


def review_page(client, program) -> str:
    response = client.get(reverse("matching:review", args=[program.pk]))
    assert response.status_code == 200
    return response.content.decode()


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("run", "said"),
    [
        (a_run(proven_optimal=True, optimality_gap=0.0), GROUPS_OPTIMAL),
        # One-to-one pairs are exact whatever the flag says.
        (a_run(algorithm="pairs: linear_sum_assignment (participation)", proven_optimal=False), PAIRS_OPTIMAL),
        (
            a_run(algorithm="pairs: linear_sum_assignment (score)", proven_optimal=True, objective="score"),
            "Optimal: no other pairing scores higher.",
        ),
        (a_run(algorithm="peer: blossom (participation)", proven_optimal=True), PAIRS_OPTIMAL),
        (a_run(optimality_gap=0.004), "Within 0.4 % of the best possible (proven)."),
        (a_run(optimality_gap=0.0123), "Within 1.2 % of the best possible (proven)."),
        (a_run(optimality_gap=0.001), "Within 0.1 % of the best possible (proven)."),
        (a_run(optimality_gap=0.0004), "Within 0.04 % of the best possible (proven)."),
        (a_run(optimality_gap=0.00099), "Within 0.10 % of the best possible (proven)."),
        (a_run(optimality_gap=0.00001), "Within less than 0.01 % of the best possible (proven)."),
        (a_run(optimality_gap=None), GROUPS_UNKNOWN),
        (
            a_run(algorithm="peer: greedy (participation)", optimality_gap=None),
            "Good pairs found, but the search stopped before it could prove how close they are to the best possible.",
        ),
    ],
)
def test_the_quality_of_a_run_in_words(run, said):
    assert str(run.quality_description) == said


def test_the_review_page_shows_a_proven_gap_and_that_running_again_changes_nothing(hr_client, cohort):
    program, _people = cohort
    a_run(program, optimality_gap=0.004).save()
    page = text_of(review_page(hr_client, program))
    assert "Quality Within 0.4 % of the best possible (proven)." in page
    assert SAME_AGAIN in page


def test_the_review_page_says_when_the_gap_is_unknown(hr_client, cohort):
    program, _people = cohort
    a_run(program, optimality_gap=None).save()
    page = text_of(review_page(hr_client, program))
    assert GROUPS_UNKNOWN in page and SAME_AGAIN in page


def test_a_real_one_to_one_run_reads_optimal_without_the_hint(hr_client, cohort, hr):
    program, _people = cohort
    assert "Quality" not in text_of(review_page(hr_client, program))  # no run yet
    matching_run(program=program, by=hr)
    page = text_of(review_page(hr_client, program))
    assert f"Quality {PAIRS_OPTIMAL}" in page
    assert SAME_AGAIN not in page and "Juniors matched" in page and "People paired" not in page


def test_the_peer_partners_rule_is_offered_as_a_choice(hr_client, hr):
    program = peer_program(hr, partners=MatchingConfig.PeerPartners.GENERATION)
    page = review_page(hr_client, program)
    select = re.search(r'<select[^>]*name="peer_partners".*?</select>', page, re.S)
    assert select, "peer_partners is not a select"
    assert '<option value="generation" selected>' in select.group(0)
    assert '<option value="level">' in select.group(0)
    assert 'type="number" id="id_peer_partners"' not in page
    # The other choice fields are still choices, the weights still numbers.
    assert re.search(r'<select[^>]*name="objective"', page) and re.search(r'<select[^>]*name="min_level_gap"', page)
    assert re.search(r'<input[^>]*type="number"[^>]*name="topics"', page)


def _peer_pool(hr):
    program = peer_program(hr)
    ana = volunteer(program, hr, "Ana Apprentice", Level.APPRENTICE)
    cem = volunteer(program, hr, "Cem Mid", Level.MID)
    dora = volunteer(program, hr, "Dora Director", Level.DIRECTOR)
    return to_matching(program), ana, cem, dora


def test_pair_by_hand_in_peer_exchange_offers_every_free_volunteer_twice(hr_client, hr):
    program, ana, cem, dora = _peer_pool(hr)
    roles = dict(Application.objects.filter(program=program).values_list("user_id", "role"))
    assert roles[ana.pk] == roles[cem.pk] == Role.JUNIOR and roles[dora.pk] == Role.SENIOR
    page = review_page(hr_client, program)
    manual = page[page.index('id="manual-heading"') : page.index('id="manual-kind"')]
    first = manual[manual.index('id="manual-junior"') : manual.index('id="manual-senior"')]
    second = manual[manual.index('id="manual-senior"') :]
    for person in (ana, cem, dora):
        assert f'value="{person.pk}"' in first and f'value="{person.pk}"' in second
    assert "First person" in manual and "Second person" in manual
    assert "Junior mentor" not in manual and "Senior mentee" not in manual
    assert "Free now: 3 volunteers" in text_of(manual)
    # By last name; the second list starts on another person than the first.
    assert f'<option value="{ana.pk}">Ana Apprentice</option>' in first and " selected" not in first
    assert f'<option value="{dora.pk}" selected>Dora Director</option>' in second

    # Two stored juniors, paired through the page's own field names.
    response = hr_client.post(reverse("matching:pair", args=[program.pk]), {"junior": cem.pk, "senior": ana.pk, "kind": "manual"})
    assert response.status_code == 302
    match = Match.objects.get(program=program, status=Match.Status.PROPOSED)
    assert {m.user_id: m.role for m in match.members.all()} == {ana.pk: Role.JUNIOR, cem.pk: Role.SENIOR}
    manual = review_page(hr_client, program)
    manual = manual[manual.index('id="manual-heading"') : manual.index('id="manual-kind"')]
    assert f'value="{ana.pk}"' not in manual and f'value="{cem.pk}"' not in manual
    assert "Free now: 1 volunteer;" in text_of(manual)
    assert 'type="submit" disabled' in review_page(hr_client, program).split('id="manual-heading"')[1]


def test_a_bad_pair_by_hand_in_peer_exchange_asks_for_two_people(hr_client, hr):
    program, ana, _cem, _dora = _peer_pool(hr)
    response = hr_client.post(reverse("matching:pair", args=[program.pk]), {"junior": ana.pk, "kind": "manual"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Choose two people."]
    assert not Match.objects.filter(program=program).exists()


def test_one_to_one_pair_by_hand_keeps_its_roles(hr_client, cohort):
    program, people = cohort
    manual = review_page(hr_client, program)
    manual = manual[manual.index('id="manual-heading"') : manual.index('id="manual-kind"')]
    first = manual[manual.index('id="manual-junior"') : manual.index('id="manual-senior"')]
    assert "Junior mentor" in manual and "Senior mentee" in manual and "First person" not in manual
    assert f'value="{people["dev"].pk}"' in first and f'value="{people["eng_lead"].pk}"' not in first
    assert " selected>" not in manual


def test_a_peer_run_shows_one_figure_of_people_paired(hr_client, hr):
    program, _ana, _cem, _dora = _peer_pool(hr)
    run = matching_run(program=program, by=hr)
    assert run.matches_made == 1 and run.juniors_in_pool == 3
    page = text_of(review_page(hr_client, program))
    assert "People paired 2 of 3 volunteers" in page
    assert "Juniors matched" not in page and "Seniors matched" not in page
    assert f"Quality {PAIRS_OPTIMAL}" in page
