"""Issue 14, item 8: the matching page speaks in level names and plain words, not in the
internal level numbers or the solver's function name."""

from django.urls import reverse

from matching.models import MatchingConfig
from matching.services import matching_run
from tests.sessions.conftest import confirmed_pairs


def test_matching_page_names_levels_and_the_method(hr_client, hr):
    program, _people = confirmed_pairs(hr)
    page = hr_client.get(reverse("matching:review", args=[program.pk])).content.decode()
    assert "linear_sum_assignment" not in page
    assert "Hungarian method" in page
    assert "Goal: Match as many people as possible, then the best total score." in page
    assert "Minimum level gap" not in page
    assert "Senior at least this far above the junior" in page
    gap = MatchingConfig.objects.get(program=program).min_level_gap
    assert gap == 10
    assert '<option value="10" selected>1 level: Junior → Mid-level</option>' in page


def test_saving_a_level_distance_by_name(hr_client, hr):
    program, _people = confirmed_pairs(hr)
    weights = {"topics": 40, "availability": 20, "chemistry": 20, "diversity": 20, "objective": "participation"}
    hr_client.post(reverse("matching:config", args=[program.pk]), {**weights, "min_level_gap": "30"})
    assert MatchingConfig.objects.get(program=program).min_level_gap == 30
    page = hr_client.get(reverse("matching:review", args=[program.pk])).content.decode()
    assert '<option value="30" selected>3 levels: Junior → Lead</option>' in page
    response = hr_client.post(reverse("matching:config", args=[program.pk]), {**weights, "min_level_gap": "15"}, follow=True)
    assert response.status_code == 200
    assert "Pick one of the level distances offered." in response.content.decode()
    assert MatchingConfig.objects.get(program=program).min_level_gap == 30


def test_a_run_describes_its_method_in_words(hr):
    program, _people = confirmed_pairs(hr)
    run = matching_run(program=program, by=hr)
    assert "linear_sum_assignment" not in run.method_description
