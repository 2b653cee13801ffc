"""The portal's pages (home, my programs): who sees what, and what they cost at two sizes."""

import pytest
from django.urls import reverse

from matching.models import Match
from programs.models import Invitation
from tests.budgets import assert_flat, measure
from tests.evaluation.factories import CheckInFactory, SurveyFactory
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db
PAGES = ["portal:home", "portal:programs"]


def involve(junior, hr, count):
    """`count` programs recruiting with an invitation for `junior`, and `count` active
    programs where `junior` has a confirmed pair."""
    for _ in range(count):
        Invitation.objects.create(program=ProgramFactory(recruiting=True), user=junior, invited_by=hr)
        MatchFactory(junior=junior)


# --- access ----------------------------------------------------------------------------------
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["junior", "senior", "outsider", "senior_manager", "hr", "hr_without_mfa"])
def test_every_signed_in_person_gets_their_own_portal(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_a_pair_shows_on_its_members_portal_only(client, junior, senior, outsider, name):
    match = MatchFactory(junior=junior, senior=senior, program__name="Only-for-the-pair program")
    pair_url = reverse("mentoring_sessions:pair", args=[match.pk])
    for person, sees in ((junior, True), (senior, True), (outsider, False)):
        client.force_login(person)
        page = client.get(reverse(name)).content.decode()
        assert ("Only-for-the-pair program" in page) is sees, person
        assert (pair_url in page or reverse("matching:my_match", args=[match.pk]) in page) is sees, person


def test_home_lists_the_check_in_due_until_it_is_done(client, junior):
    match = MatchFactory(junior=junior, program__name="Pulse program")
    client.force_login(junior)
    checkin_url = reverse("evaluation:checkin", args=[match.program.pk])
    assert checkin_url in client.get(reverse("portal:home")).content.decode()
    CheckInFactory(match=match, user=junior, month=1)  # the program is in its first month
    assert checkin_url not in client.get(reverse("portal:home")).content.decode()


def test_home_lists_an_open_survey_to_the_pair_not_to_others(client, junior, outsider):
    match = MatchFactory(junior=junior, status=Match.Status.ENDED)
    survey = SurveyFactory(program=match.program)
    match.program.status = "evaluating"
    match.program.save(update_fields=["status"])
    survey_url = reverse("evaluation:survey", args=[survey.program_id])
    client.force_login(junior)
    assert survey_url in client.get(reverse("portal:home")).content.decode()
    client.force_login(outsider)
    assert survey_url not in client.get(reverse("portal:home")).content.decode()


# --- query budgets ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", PAGES)
def test_portal_page_costs_the_same_at_two_sizes(client, junior, hr, name):
    client.force_login(junior)
    url = reverse(name)
    involve(junior, hr, 2)
    small = measure(lambda: client.get(url))
    involve(junior, hr, 8)
    large = measure(lambda: client.get(url))
    # Programs, invitations and pairs (with their members) are listed; nothing else grows.
    listed = {"programs.Program", "programs.Invitation", "matching.Match", "matching.MatchMember", "mentoring.User", "mentoring.Department"}
    # Home's next meeting and overdue flags (sessions.selectors.next_steps_for) cost four of them.
    assert_flat(small, large, ceiling=18, listed=listed)
    assert small.instances["matching.Match"] / 2 == large.instances["matching.Match"] / 10  # per pair, not per program


def test_home_of_a_manager_costs_the_same_at_two_sizes(client, senior_manager):
    client.force_login(senior_manager)
    url = reverse("portal:home")
    UserFactory.create_batch(2, manager=senior_manager)
    small = measure(lambda: client.get(url))
    UserFactory.create_batch(23, manager=senior_manager)
    large = measure(lambda: client.get(url))
    assert_flat(small, large, ceiling=12, listed={"mentoring.User", "mentoring.Department"})
    assert "Direct reports" in large.result.content.decode()
