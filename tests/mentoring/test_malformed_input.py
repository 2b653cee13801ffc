"""Malformed input anywhere gets a 400 or a form error and changes nothing — never a 500:
numbers no database column can hold, NUL characters (PostgreSQL cannot store them), and
ids that are not numbers, in addresses, query strings and forms."""

import pytest
from django.urls import reverse

from evaluation.models import CheckIn
from mentoring.models import User
from programs.models import Invitation, Program
from programs.services import program_transition
from tests.programs.factories import tech_program
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [f"/programs/{HUGE}/my-application/", f"/meetings/{HUGE}/", f"/hr/programs/{HUGE}/", f"/pairs/{HUGE}/"])
def test_ids_longer_than_any_key_match_no_page(hr_client, url):
    assert hr_client.get(url).status_code == 404
    assert hr_client.post(url).status_code in {404, 405}


@pytest.mark.parametrize("program", ["²", HUGE, "-1", "1.5"])
def test_outbox_filter_with_a_malformed_program(hr_client, program):
    assert hr_client.get(reverse("notifications:outbox"), {"program": program}).status_code == 200


def test_forms_choosing_people_or_applications_by_malformed_id_show_an_error(hr_client, hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    programs_before = Program.objects.count()
    for bad in (HUGE, "abc", "²"):
        response = hr_client.post(reverse("programs:create"), {"name": "New", "coordinators": [bad]})
        assert response.status_code == 200 and "coordinators" in response.context["form"].errors
        response = hr_client.post(reverse("programs:edit", args=[program.pk]), {"name": "Renamed", "coordinators": [bad]})
        assert response.status_code == 200
        response = hr_client.post(reverse("programs:invite", args=[program.pk]), {"people": [bad]})
        assert response.status_code == 200
        response = hr_client.post(reverse("programs:applications", args=[program.pk]), {"applications": [bad], "decision": "accepted"})
        assert response.status_code in {200, 302}
    assert Program.objects.count() == programs_before and not Invitation.objects.exists()
    program.refresh_from_db()
    assert program.name != "Renamed"


@pytest.mark.parametrize(
    "query",
    [{"created_at__year": HUGE}, {"created_at__year": "9999", "created_at__month": "12", "created_at__day": "31"}],
)
def test_admin_date_drilldown_beyond_the_calendar_is_refused(hr_client, query):
    response = hr_client.get(reverse("admin:mentoring_peopleimport_changelist"), query)
    assert response.status_code == 400 and "Nothing was changed" in response.content.decode()


def test_nul_characters_are_refused_before_any_view(client, hr_client, hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    assert client.get("/calendar/feed/a%00b.ics").status_code == 400
    assert hr_client.get(reverse("notifications:outbox"), {"kind": "a\x00b"}).status_code == 400
    client.force_login(junior)
    response = client.post(
        reverse("evaluation:checkin", args=[program.pk]), {"pulse": "4", "meetings_as_planned": "yes", "comment": "fine\x00"}
    )
    assert response.status_code == 400
    assert not CheckIn.objects.exists()
    assert User.objects.filter(pk=junior.pk).exists()
    response = client.post(
        reverse("evaluation:checkin", args=[program.pk]), {"pulse": "4", "meetings_as_planned": "yes", "comment": "fine"}
    )
    assert response.status_code == 302 and CheckIn.objects.count() == 1  # the same form without the NUL is accepted
