"""A participant's check-in, journey and recommendations pages say where they are:
Programs › the program › the page, like every other page of a program."""

import re

import pytest
from django.urls import reverse

from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "here"),
    [("evaluation:checkin", "Monthly check-in"), ("evaluation:journey", "My journey"), ("evaluation:recommendations", "Recommendations")],
)
def test_participant_pages_have_a_breadcrumb_back_to_the_program(client, junior, name, here):
    match = MatchFactory(junior=junior, program__name="Crumb program")
    client.force_login(junior)
    response = client.get(reverse(name, args=[match.program.pk]))
    assert response.status_code == 200
    nav = re.search(r'<nav aria-label="Breadcrumb">(.*?)</nav>', response.content.decode(), re.S)
    assert nav, "no breadcrumb"
    crumbs = nav.group(1)
    assert f'href="{reverse("portal:programs")}"' in crumbs
    assert f'href="{reverse("programs:detail", args=[match.program.pk])}">Crumb program</a>' in crumbs
    assert f'aria-current="page">{here}</li>' in crumbs


@pytest.mark.parametrize("name", ["evaluation:checkin", "evaluation:journey", "evaluation:recommendations"])
def test_participant_pages_stay_closed_to_another_pair(client, junior, outsider, name):
    match = MatchFactory(junior=junior)
    client.force_login(outsider)
    assert client.get(reverse(name, args=[match.program.pk])).status_code in (403, 404)
