"""Issue 14, item 9: HR corrects the languages on an application, with the person's agreement
recorded, so a pair refused for "they share no language" can then be formed by hand."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from matching.models import Match
from mentoring.models import Level
from programs.models import Application, ApplicationCorrection, Program
from programs.services import application_decide, program_transition
from tests.matching.factories import MatchFactory
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.programs.factories import apply, tech_program


@pytest.fixture
def no_shared_language(hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    junior = UserFactory(level=Level.JUNIOR, department=DepartmentFactory(name="J"), language="en")
    senior = UserFactory(level=Level.DIRECTOR, department=DepartmentFactory(name="S"), language="de")
    application_decide(application=apply(program, junior, languages=["en"]), decision="accepted", by=hr)
    application_decide(application=apply(program, senior, languages=["de"]), decision="accepted", by=hr)
    program_transition(program=program, to_status=Program.Status.MATCHING, by=hr)
    return program, junior, senior


def _pair_by_hand(client, program, junior, senior):
    response = client.post(
        reverse("matching:pair", args=[program.pk]), {"junior": junior.pk, "senior": senior.pk, "kind": "manual"}, follow=True
    )
    return [str(message) for message in get_messages(response.wsgi_request)] or [response.content.decode()]


def test_hr_corrects_languages_with_agreement_then_pairs_by_hand(hr_client, hr, no_shared_language):
    program, junior, senior = no_shared_language
    refusal = " ".join(_pair_by_hand(hr_client, program, junior, senior))
    assert "they share no language" in refusal
    matching_page = hr_client.get(reverse("matching:review", args=[program.pk])).content.decode()
    assert "Correct the languages on the person's application, with their agreement." in matching_page
    application = Application.objects.get(program=program, user=senior)
    url = reverse("programs:application_correct", args=[program.pk, application.pk])

    response = hr_client.post(url, {"languages": ["de", "en"]})
    assert response.status_code == 200
    assert "confirm that they agreed" in response.content.decode()
    application.refresh_from_db()
    assert application.languages == ["de"]

    response = hr_client.post(url, {"languages": ["de", "en"], "person_agreed": "on", "agreement_note": "by e-mail today"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.languages == ["en", "de"]
    correction = ApplicationCorrection.objects.get(application=application)
    assert (correction.changed_by, correction.before, correction.after) == (hr, ["de"], ["en", "de"])
    page = hr_client.get(reverse("programs:application", args=[program.pk, application.pk])).content.decode()
    assert "Corrections by HR" in page and "by e-mail today" in page

    _pair_by_hand(hr_client, program, junior, senior)
    assert Match.objects.filter(program=program, members__user=senior).filter(members__user=junior).exists()


def test_correction_refuses_bad_input(hr_client, hr, no_shared_language):
    program, _junior, senior = no_shared_language
    application = Application.objects.get(program=program, user=senior)
    url = reverse("programs:application_correct", args=[program.pk, application.pk])
    response = hr_client.post(url, {"languages": ["xx"], "person_agreed": "on"})
    assert response.status_code == 200 and "Unknown language." in response.content.decode()
    response = hr_client.post(url, {"person_agreed": "on"})
    assert response.status_code == 200 and "Choose at least one language they can meet in." in response.content.decode()
    assert not ApplicationCorrection.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("junior", 403), ("senior", 403), ("outsider", 403)])
def test_only_hr_corrects(client, request, hr, no_shared_language, persona, status):
    program, _junior, senior = no_shared_language
    application = Application.objects.get(program=program, user=senior)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("programs:application_correct", args=[program.pk, application.pk]), {"languages": ["en"], "person_agreed": "on"}
    )
    assert response.status_code == status
    application.refresh_from_db()
    assert application.languages == ["de"]


def test_correcting_an_unknown_application_is_404(hr_client, hr, no_shared_language):
    program, _junior, _senior = no_shared_language
    response = hr_client.post(reverse("programs:application_correct", args=[program.pk, 999999]), {"languages": ["en"]})
    assert response.status_code == 404
    assert hr_client.get(reverse("programs:application_correct", args=[program.pk, 999999])).status_code == 405


def test_the_person_can_edit_until_matched(client, hr, no_shared_language):
    program, junior, senior = no_shared_language
    senior.language = "en"  # the pages in English, for the assertions (the application keeps "de")
    senior.save(update_fields=["language"])
    client.force_login(senior)
    page = client.get(reverse("programs:my_application", args=[program.pk])).content.decode()
    assert "Edit answers" in page
    form_page = client.get(reverse("programs:apply", args=[program.pk]))
    assert form_page.status_code == 200
    assert "you are only paired with someone who shares one" in form_page.content.decode()
    MatchFactory(program=program, status="proposed", junior=junior, senior=senior)
    assert "Edit answers" not in client.get(reverse("programs:my_application", args=[program.pk])).content.decode()
    response = client.get(reverse("programs:apply", args=[program.pk]), follow=True)
    assert "Applications can be changed until you are matched" in response.content.decode()
