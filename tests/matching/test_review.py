"""HR's review page as a list: one page at a time, a search by name, filters by status, score
band and what the explanation says, approvals of one, of what a search shows or of all, and
every action back on the page and filter it came from. Bad parameters never answer 500."""

import re

import pytest
from django.urls import reverse

from matching.models import Match, MatchMember
from matching.services import matching_run
from matching.views import PAGE_SIZE
from mentoring.models import Level
from programs.models import Program
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db

PARAMETERS = [
    {},
    {"q": "Dana"},
    {"status": "proposed"},
    {"score": "80"},
    {"flag": "same_department"},
    {"q": "dev", "status": "approved", "score": "0", "flag": "by_hr", "page": "2"},
]


def review_url(program, **query):
    url = reverse("matching:review", args=[program.pk])
    return url + ("?" + "&".join(f"{name}={value}" for name, value in query.items()) if query else "")


def components(topics=0.5, availability=0.7, chemistry=0.6, diversity=1.0):
    return {"topics": topics, "availability": availability, "chemistry": chemistry, "diversity": diversity}


def proposal(program, *, score=70.0, junior=None, senior=None, source=Match.Source.ENGINE, status=Match.Status.PROPOSED, **parts):
    return MatchFactory(
        program=program,
        status=status,
        score=score,
        source=source,
        explanation={"reasons": ["shares AI and automation"], "components": components(**parts)},
        junior=junior or UserFactory(level=Level.JUNIOR),
        senior=senior or UserFactory(level=Level.DIRECTOR),
    )


def names_on(response) -> set[str]:
    """The junior mentors on the match cards of the page."""
    page = response.content.decode()
    juniors = {m.user.get_full_name() for m in MatchMember.objects.filter(role="junior").select_related("user")}
    return set(re.findall(r'<span class="fw-semibold">([^<]+)</span>', page)) & juniors


@pytest.mark.parametrize("persona", ["junior", "senior", "outsider"])
@pytest.mark.parametrize("query", PARAMETERS)
def test_only_hr_reads_the_review_whatever_the_parameters(client, request, cohort, persona, query):
    program, _people = cohort
    client.force_login(request.getfixturevalue(persona))
    assert client.get(review_url(program, **query)).status_code == 403


@pytest.mark.parametrize("query", PARAMETERS)
def test_hr_reads_the_review_with_any_parameters_and_a_missing_program_is_404(hr_client, cohort, hr, query):
    program, _people = cohort
    matching_run(program=program, by=hr)
    assert hr_client.get(review_url(program, **query)).status_code == 200
    assert hr_client.get(reverse("matching:review", args=[program.pk + 1000]) + "?q=Dana").status_code == 404


def test_anonymous_visitors_sign_in_first(client, cohort):
    program, _people = cohort
    response = client.get(review_url(program, q="Dana"))
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize(
    ("query", "cards", "warned"),
    [
        ("status=bogus", 2, True),
        ("status=bogus&q=Dana", 1, True),  # the rest of the filter still applies
        ("score=7", 2, True),
        ("flag=%3Cscript%3E", 2, True),
        ("q=" + "x" * 300, 2, True),
        ("q=" + "x" * 300 + "&status=confirmed", 0, True),
        ("q=%25_%5C", 0, False),  # wildcards are searched as characters
        ("page=abc", 2, False),
        ("page=-1", 2, False),
        ("page=" + "9" * 30, 2, False),
        ("page=99999", 2, False),
        ("q=&status=&score=&flag=&page=", 2, False),
    ],
)
def test_bad_parameters_never_answer_500_and_say_what_was_left_out(hr_client, cohort, hr, query, cards, warned):
    program, _people = cohort
    matching_run(program=program, by=hr)
    response = hr_client.get(reverse("matching:review", args=[program.pk]) + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert ("Left out of the filter, as it was not understood" in page) == warned
    assert page.count('class="card shadow-sm match-card"') == cards  # a bad value is left out, not everything


def test_a_nul_character_is_a_bad_request(hr_client, cohort):
    program, _people = cohort
    assert hr_client.get(reverse("matching:review", args=[program.pk]) + "?q=%00").status_code == 400


def test_the_search_finds_a_match_by_either_persons_name(hr_client, cohort, hr):
    program, people = cohort
    matching_run(program=program, by=hr)
    by_junior = hr_client.get(review_url(program, q="dana"))
    assert names_on(by_junior) == {"Dana Design"}
    by_senior = hr_client.get(review_url(program, q="Pat Product"))
    assert names_on(by_senior) == {"Dev Junior"}
    assert names_on(hr_client.get(review_url(program, q="nobody"))) == set()
    assert "No match fits this search and filter." in hr_client.get(review_url(program, q="nobody")).content.decode()


def test_status_score_and_explanation_filters_pick_the_right_matches(hr_client, hr):
    program = ProgramFactory(status=Program.Status.MATCHING, created_by=hr)
    strong = proposal(program, score=91, junior=UserFactory(first_name="Strong", last_name="Pair"))
    same_team = proposal(program, score=65, diversity=0.0, junior=UserFactory(first_name="Same", last_name="Team"))
    no_topics = proposal(program, score=45, topics=0.0, junior=UserFactory(first_name="No", last_name="Topics"))
    clash = proposal(program, score=35, chemistry=0.25, availability=0.3, junior=UserFactory(first_name="Style", last_name="Clash"))
    pinned = proposal(program, score=70, source=Match.Source.PINNED, junior=UserFactory(first_name="Pinned", last_name="Pair"))
    offered = proposal(program, score=88, status=Match.Status.APPROVED, junior=UserFactory(first_name="Offered", last_name="Pair"))
    MatchFactory(program=program, status=Match.Status.DISCARDED, junior=UserFactory(first_name="Thrown", last_name="Away"))

    def shown(**query):
        return names_on(hr_client.get(review_url(program, **query)))

    def name(match):
        return match.members.get(role="junior").user.get_full_name()

    assert shown() == {name(m) for m in (strong, same_team, no_topics, clash, pinned, offered)}  # never the discarded one
    assert shown(status="proposed") == {name(m) for m in (strong, same_team, no_topics, clash, pinned)}
    assert shown(status="approved") == {name(offered)}
    assert shown(score="80") == {name(strong), name(offered)}
    assert shown(score="60") == {name(same_team), name(pinned)}
    assert shown(score="40") == {name(no_topics)}
    assert shown(score="0") == {name(clash)}
    assert shown(flag="same_department") == {name(same_team)}
    assert shown(flag="no_topic_overlap") == {name(no_topics)}
    assert shown(flag="contrasting_styles") == {name(clash)}
    assert shown(flag="low_availability") == {name(clash)}
    assert shown(flag="by_hr") == {name(pinned)}
    assert shown(status="proposed", score="80") == {name(strong)}
    page = hr_client.get(review_url(program, score="80")).content.decode()
    # Tabs count what the search shows; "approve all" still offers every proposal.
    assert "Approve all and offer (5)" in page and "Offer the 1 proposal this search shows" in page


def test_pages_keep_the_search_and_the_filter(hr_client, hr):
    program = ProgramFactory(status=Program.Status.MATCHING, created_by=hr)
    for n in range(PAGE_SIZE + 5):
        proposal(program, score=50 + n, junior=UserFactory(first_name="Kim", last_name=f"Number{n:02d}"))
    proposal(program, score=99, junior=UserFactory(first_name="Someone", last_name="Else"))
    first = hr_client.get(review_url(program, q="kim", status="proposed")).content.decode()
    assert first.count('class="card shadow-sm match-card"') == PAGE_SIZE
    assert "Page 1 of 2" in first and 'href="?q=kim&amp;status=proposed&amp;page=2"' in first
    assert "Kim Number28" in first and "Someone Else" not in first  # the best first
    second = hr_client.get(review_url(program, q="kim", status="proposed", page=2)).content.decode()
    assert second.count('class="card shadow-sm match-card"') == 5 and "Kim Number00" in second


def test_approving_what_a_search_shows_offers_only_those(hr_client, hr):
    program = ProgramFactory(status=Program.Status.MATCHING, created_by=hr)
    chosen = [proposal(program, score=85), proposal(program, score=95)]
    others = [proposal(program, score=60), proposal(program, score=85, status=Match.Status.DECLINED)]
    response = hr_client.post(
        reverse("matching:approve", args=[program.pk]), {"scope": "filter", "score": "80", "view": "score=80&page=1"}, follow=False
    )
    assert response.status_code == 302 and response["Location"].endswith("?score=80&page=1")
    assert set(Match.objects.filter(status=Match.Status.APPROVED)) == set(chosen)
    assert Match.objects.get(pk=others[0].pk).status == Match.Status.PROPOSED
    assert Match.objects.get(pk=others[1].pk).status == Match.Status.DECLINED


@pytest.mark.parametrize("data", [{"scope": "filter", "score": "12"}, {"scope": "filter", "flag": "x"}, {"scope": "everything"}])
def test_a_malformed_approval_offers_nothing_and_says_why(hr_client, hr, data):
    program = ProgramFactory(status=Program.Status.MATCHING, created_by=hr)
    proposal(program, score=85)
    response = hr_client.post(reverse("matching:approve", args=[program.pk]), data, follow=True)
    assert response.status_code == 200 and response.context["messages"]
    assert not Match.objects.filter(status=Match.Status.APPROVED).exists()


def test_actions_return_to_the_page_and_filter_they_came_from_and_nowhere_else(hr_client, hr):
    program = ProgramFactory(status=Program.Status.MATCHING, created_by=hr)
    match = proposal(program)
    url = reverse("matching:discard", args=[program.pk, match.pk])
    response = hr_client.post(url, {"view": "q=Kim&status=proposed&page=2&next=//evil.example&debug=1"})
    assert response["Location"] == reverse("matching:review", args=[program.pk]) + "?q=Kim&status=proposed&page=2"
    for view in ["//evil.example", "https://evil.example/", "page=%0D%0ALocation:%20x", "%" * 600]:
        match = proposal(program)
        location = hr_client.post(reverse("matching:discard", args=[program.pk, match.pk]), {"view": view})["Location"]
        assert location.startswith(reverse("matching:review", args=[program.pk])), view


def test_pair_by_hand_lists_the_free_people_a_search_finds(hr_client, cohort, hr):
    program, people = cohort
    page = hr_client.get(review_url(program)).content.decode()
    assert "Free now: 2 junior mentor(s), 2 senior mentee(s)." in page
    searched = hr_client.get(review_url(program, q="Dana")).content.decode()
    manual = searched[searched.index('id="manual-junior"') : searched.index('id="manual-kind"')]
    assert f'<option value="{people["designer"].pk}">Dana Design</option>' in manual
    assert f'value="{people["dev"].pk}"' not in manual
    matching_run(program=program, by=hr)
    assert "Free now: 0 junior mentor(s), 0 senior mentee(s)." in hr_client.get(review_url(program)).content.decode()
