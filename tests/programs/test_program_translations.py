"""HR may give a program's name and goal in other languages; each reader sees their own."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from programs.forms import ProgramForm
from programs.models import Program
from programs.services import program_update
from tests.programs.factories import tech_program

pytestmark = pytest.mark.django_db

GERMAN = {"name": "Technik-Führung lernt von Juniors", "goal": "Neue Werkzeuge verstehen."}


def test_each_reader_sees_the_name_and_goal_in_their_language_or_the_original(hr):
    program = tech_program(hr=hr)
    program_update(program=program, data={"translations": {"de": GERMAN, "fr": {"name": "  ", "goal": ""}}})
    program.refresh_from_db()
    assert program.translations == {"de": GERMAN}  # empty entries are dropped
    with translation.override("de"):
        assert (program.display_name, program.display_goal) == (GERMAN["name"], GERMAN["goal"])
    with translation.override("fr"):
        assert (program.display_name, program.display_goal) == (program.name, program.goal)


def test_the_program_page_shows_a_german_reader_the_german_name(hr, client, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    program_update(program=program, data={"translations": {"de": GERMAN}})
    junior.language = "de"
    junior.save()
    client.force_login(junior)
    page = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert GERMAN["name"] in page and GERMAN["goal"] in page


@pytest.mark.parametrize(
    "bad",
    [
        {"xx": {"name": "Nope"}},  # not an offered language
        {"en": {"name": "Twice"}},  # the original is the default language's
        {"de": {"title": "Wrong field"}},
        {"de": {"name": "N" * 151}},
        ["not", "a", "mapping"],
    ],
)
def test_bad_translations_are_refused_and_change_nothing(hr, bad):
    program = tech_program(hr=hr)
    with pytest.raises(ValidationError):
        program_update(program=program, data={"translations": bad})
    program.refresh_from_db()
    assert program.translations == {}


def test_the_program_form_offers_a_name_and_goal_per_other_language(hr):
    program = tech_program(hr=hr)
    form = ProgramForm(instance=program)
    assert {"name_de", "goal_de", "name_fr", "goal_fr", "name_es", "goal_es"} <= set(form.fields)
    assert "name_en" not in form.fields and "translations" not in form.fields


def test_hr_edits_the_german_name_through_the_form(hr, hr_client):
    program = tech_program(hr=hr)
    form = ProgramForm(instance=program)
    data = {name: field.initial if field.initial is not None else form.initial.get(name) for name, field in form.fields.items()}
    data = {name: value for name, value in data.items() if value is not None}
    data["coordinators"] = [hr.pk]
    data["name_de"], data["goal_de"] = GERMAN["name"], GERMAN["goal"]
    response = hr_client.post(reverse("programs:edit", args=[program.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    program.refresh_from_db()
    assert program.translations == {"de": GERMAN}
