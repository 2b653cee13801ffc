"""People import: all-or-nothing, row-numbered errors, idempotent, updates."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from mentoring.models import Department, Level, User
from mentoring.people_import import plan_people_import
from mentoring.selectors import people_for_export
from mentoring.services import PeopleImportRejected, people_export_csv, people_import_apply
from tests.budgets import assert_flat, measure
from tests.mentoring.factories import UserFactory

HEADER = "email,first_name,last_name,title,department,level,manager_email\n"
GOOD = HEADER + (
    "ceo@acme.test,Cora,Chief,CEO,Executive,executive,\n"
    "cto@acme.test,Tariq,Tech,CTO,Engineering,director,ceo@acme.test\n"
    "lead@acme.test,Lea,Lead,Team Lead,Engineering,lead,cto@acme.test\n"
    "dev@acme.test,Dev,Junior,Developer,Engineering,junior,lead@acme.test\n"
)

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(User.objects.values_list("email", "first_name", "last_name", "title", "department__name", "level", "manager__email"))


def rejected(content: str) -> list[str]:
    """The rejection's errors; every caller compares them to the exact errors expected."""
    before = snapshot()
    departments = Department.objects.count()
    with pytest.raises(PeopleImportRejected) as excinfo:
        people_import_apply(content=content)
    assert snapshot() == before, "a rejected file must change nothing"
    assert Department.objects.count() == departments
    return [str(error) for error in excinfo.value.plan.errors]


def test_good_file_creates_people_departments_and_reporting_lines():
    result = people_import_apply(content=GOOD)
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    dev = User.objects.select_related("manager__manager__manager", "department").get(email="dev@acme.test")
    assert dev.level == Level.JUNIOR
    assert dev.department.name == "Engineering"
    assert dev.manager.email == "lead@acme.test"
    assert dev.manager.manager.manager.email == "ceo@acme.test"
    assert not dev.has_usable_password()
    assert set(Department.objects.values_list("name", flat=True)) == {"Executive", "Engineering"}


def test_reimporting_the_same_file_changes_nothing():
    people_import_apply(content=GOOD)
    before = snapshot()
    result = people_import_apply(content=GOOD)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_an_updated_row_updates_the_person_and_leaves_others_alone():
    people_import_apply(content=GOOD)
    untouched = UserFactory(email="other@acme.test", title="Keeps title")
    changed = GOOD.replace(
        "dev@acme.test,Dev,Junior,Developer,Engineering,junior,lead@acme.test",
        "dev@acme.test,Dev,Junior,Engineer,Platform,mid,cto@acme.test",
    )
    plan = plan_people_import(changed)
    update = next(change for change in plan.changes if change.email == "dev@acme.test")
    assert update.action == "update"
    assert {column for column, _old, _new in update.changes} == {"title", "department", "level", "manager_email"}
    result = people_import_apply(content=changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 3)
    dev = User.objects.get(email="dev@acme.test")
    assert (dev.title, dev.department.name, dev.level, dev.manager.email) == ("Engineer", "Platform", Level.MID, "cto@acme.test")
    untouched.refresh_from_db()
    assert untouched.title == "Keeps title"


def test_manager_may_already_be_in_the_directory():
    UserFactory(email="boss@acme.test", level=Level.DIRECTOR)
    people_import_apply(content=HEADER + "new@acme.test,New,Person,,Sales,junior,BOSS@acme.test\n")
    assert User.objects.get(email="new@acme.test").manager.email == "boss@acme.test"


def test_emails_and_levels_are_normalised_and_semicolons_work():
    content = "Email;First Name;Last Name;Level\n  Mixed.Case@ACME.test ;Mi;Xed;Senior\n"
    people_import_apply(content=content)
    assert User.objects.get(email="mixed.case@acme.test").level == Level.SENIOR


def test_missing_email_is_rejected_with_row_number():
    errors = rejected(GOOD + ",No,Email,,Engineering,junior,\n")
    assert errors == ["Row 6, email: is missing."]


def test_malformed_email_is_rejected():
    errors = rejected(GOOD + "not-an-email,Bad,Mail,,Engineering,junior,\n")
    assert errors == ["Row 6, email: “not-an-email” is not a valid e-mail address."]


def test_unknown_level_is_rejected_and_names_the_allowed_ones():
    errors = rejected(GOOD + "x@acme.test,X,Y,,Engineering,intern,\n")
    assert len(errors) == 1
    assert errors[0].startswith("Row 6, level: “intern” is not a known level (use one of: apprentice, junior, mid")


def test_unknown_manager_is_rejected():
    errors = rejected(GOOD + "x@acme.test,X,Y,,Engineering,junior,ghost@acme.test\n")
    assert errors == ["Row 6, manager_email: ghost@acme.test is neither in this file nor in the directory."]


def test_manager_cycle_inside_the_file_is_rejected_once():
    content = HEADER + "a@acme.test,A,A,,X,lead,b@acme.test\nb@acme.test,B,B,,X,lead,c@acme.test\nc@acme.test,C,C,,X,lead,a@acme.test\n"
    errors = rejected(content)
    assert errors == ["Row 2, manager_email: creates a manager cycle: a@acme.test → b@acme.test → c@acme.test → a@acme.test."]


def test_manager_cycle_through_the_existing_directory_is_rejected():
    people_import_apply(content=GOOD)
    # The CEO would report to the developer, who (in the directory) reports up to the CEO.
    errors = rejected(HEADER + "ceo@acme.test,Cora,Chief,CEO,Executive,executive,dev@acme.test\n")
    assert len(errors) == 1 and "manager cycle" in errors[0] and errors[0].startswith("Row 2, manager_email")


def test_own_manager_is_rejected():
    errors = rejected(HEADER + "me@acme.test,Me,Me,,X,lead,me@acme.test\n")
    assert errors == ["Row 2, manager_email: a person cannot be their own manager."]


def test_an_administrators_entry_is_not_changed_by_an_import():
    UserFactory(
        email="root@acme.test",
        first_name="Root",
        last_name="Admin",
        title="Operator",
        department__name="IT",
        level=Level.LEAD,
        is_superuser=True,
        is_staff=True,
    )
    errors = rejected(HEADER + "root@acme.test,Mallory,Admin,Intern,IT,junior,\n")
    assert errors == ["Row 2, email: belongs to an administrator, whose entry only an administrator changes (in Django admin)."]
    # The same entry unchanged (an export imported back) is fine.
    assert plan_people_import(HEADER + "root@acme.test,Root,Admin,Operator,IT,lead,\n").is_valid


def test_duplicate_email_in_file_is_rejected_pointing_at_the_first_row():
    errors = rejected(GOOD + "DEV@acme.test,Dev,Again,,Engineering,junior,\n")
    assert errors == ["Row 6, email: dev@acme.test appears twice in the file (first in row 5)."]


def test_one_bad_row_rejects_the_whole_file_and_all_errors_are_listed():
    content = GOOD + "bad,X,Y,,Engineering,junior,\nz@acme.test,,Y,,Engineering,wizard,\n"
    errors = rejected(content)
    assert errors == [
        "Row 6, email: “bad” is not a valid e-mail address.",
        "Row 7, first_name: is missing.",
        "Row 7, level: “wizard” is not a known level (use one of: apprentice, junior, mid, senior, lead, director, executive).",
    ]
    assert not User.objects.filter(email="ceo@acme.test").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("email,first_name\nx@acme.test,X\n", "The header row lacks the column(s) last_name, level."),
        (HEADER, "The file has a header but no people."),
        ("email,email,first_name,last_name,level\n", "The header row names these columns twice: email."),
    ],
)
def test_whole_file_problems_are_explained(content, message):
    errors = rejected(content)
    assert len(errors) == 1 and errors[0].startswith(message)


def test_bad_optional_timezone_and_language_are_rejected():
    errors = rejected("email,first_name,last_name,level,timezone,language\nx@acme.test,X,Y,mid,Mars/Base,xx\n")
    assert errors[0].startswith("Row 2, timezone:")
    assert errors[1].startswith("Row 2, language: “xx” is not a supported language")


LONG_EMAIL = "a" * 290 + "@acme.test"  # a valid address, longer than the 254 the directory holds


@pytest.mark.parametrize(
    ("column", "value", "limit"),
    [
        ("email", LONG_EMAIL, 254),
        ("first_name", "F" * 151, 150),
        ("last_name", "L" * 151, 150),
        ("title", "T" * 201, 200),
        ("department", "D" * 121, 120),
        ("manager_email", LONG_EMAIL, 254),
        ("timezone", "Europe/" + "X" * 60, 64),
        ("language", "e" * 11, 10),
    ],
)
def test_every_column_longer_than_the_directory_holds_is_rejected_with_its_row(column, value, limit):
    """SQLite stores any length, so the import itself enforces the model's max_length."""
    record = {
        "email": "x@acme.test",
        "first_name": "X",
        "last_name": "Y",
        "title": "",
        "department": "",
        "level": "mid",
        "manager_email": "",
        "timezone": "UTC",
        "language": "en",
    }
    record[column] = value
    columns = list(record)
    content = ",".join(columns) + "\nok@acme.test,Ok,Person,,,mid,,UTC,en\n" + ",".join(record[name] for name in columns) + "\n"
    errors = rejected(content)
    assert errors == [f"Row 3, {column}: is longer than {limit} characters."]
    assert not User.objects.exists()


def test_export_round_trips_through_import():
    people_import_apply(content=GOOD)
    exported = people_export_csv(people=people_for_export())
    assert exported.splitlines()[0] == "email,first_name,last_name,title,department,level,manager_email,timezone,language"
    assert "dev@acme.test,Dev,Junior,Developer,Engineering,junior,lead@acme.test,UTC,en" in exported.splitlines()
    plan = plan_people_import(exported)
    assert plan.is_valid and plan.unchanged == 4 and plan.created == plan.updated == 0


def test_import_costs_the_same_queries_for_10_and_60_rows():
    def file_of(n):
        rows = [f"p{i}@acme.test,P{i},Person,,Dept {i % 3},junior,{'p0@acme.test' if i else ''}" for i in range(n)]
        return HEADER + "\n".join(rows) + "\n"

    # Both sizes fit one bulk write (SQLite takes 999 parameters a query, ~66 people): beyond
    # that, a query per batch is fine; a query per person is not.
    small = measure(lambda: people_import_apply(content=file_of(10)), warm=False)
    User.objects.all().delete()
    Department.objects.all().delete()  # the same start: an empty directory
    large = measure(lambda: people_import_apply(content=file_of(60)), warm=False)
    assert_flat(small, large, ceiling=14, listed={"mentoring.User"})  # the people it creates
    assert User.objects.count() == 60


def test_import_of_300_rows_writes_in_batches():
    rows = [f"p{i}@acme.test,P{i},Person,,Dept {i % 3},junior,{'p0@acme.test' if i else ''}" for i in range(300)]
    cost = measure(lambda: people_import_apply(content=HEADER + "\n".join(rows) + "\n"), warm=False)
    assert cost.count <= 30 and User.objects.count() == 300


def test_command_imports_and_reports(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_people", str(path))
    assert "4 added, 0 updated, 0 unchanged" in capsys.readouterr().out
    call_command("import_people", str(path))
    assert "0 added, 0 updated, 4 unchanged" in capsys.readouterr().out


def test_command_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_people", str(path), "--dry-run")
    assert "4 would be added" in capsys.readouterr().out
    assert User.objects.count() == 0


def test_command_fails_with_row_errors_and_nonzero_exit(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = tmp_path / "people.csv"
    path.write_text(GOOD + "broken,X,Y,,Engineering,junior,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_people", str(path))
    assert User.objects.count() == 0
    # And the real process exit code, as a cron job or script would see it:
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "import_people", str(tmp_path / "missing.csv")], cwd=root, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "Cannot read" in result.stderr


def test_command_refuses_non_utf8(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(GOOD.replace("Cora", "Córa").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_people", str(path))


def test_seed_demo_is_idempotent_and_the_example_file_imports_on_top(capsys):
    from pathlib import Path

    call_command("seed_demo")
    count = User.objects.count()
    before = snapshot()
    call_command("seed_demo")
    assert User.objects.count() == count == 40
    assert snapshot() == before
    hr = User.objects.get(email="hr@example.com")
    assert hr.in_hr_group and hr.check_password("mentoring-demo-2026")
    # Real reporting chains: a junior engineer reports up to the CEO through four levels.
    from mentoring.selectors import reporting_tree

    tree = reporting_tree()
    mia = User.objects.get(email="mia.schulz@example.com")
    ceo = User.objects.get(email="ava.richter@example.com")
    assert len(tree.chain_above(mia.pk)) == 4 and tree.chain_above(mia.pk)[-1] == ceo.pk

    from matching.models import Match, MatchRun
    from programs.models import Program
    from programs.selectors import readiness

    program = Program.objects.get(template_key="tech")
    assert program.status == Program.Status.ACTIVE
    ready = readiness(program=program)
    assert (ready.accepted_juniors, ready.accepted_seniors) == (5, 5)
    # A completed run with explanations, declines, and a re-match of the freed people.
    assert MatchRun.objects.filter(program=program).count() == 2
    assert MatchRun.objects.filter(program=program, is_rematch=True).count() == 1
    assert Match.objects.filter(program=program, status="confirmed").count() == 3
    assert Match.objects.filter(program=program, status="declined").count() == 2
    rematched = Match.objects.get(program=program, status="approved")
    declined_people = set(Match.objects.filter(program=program, status="declined").values_list("members__user_id", flat=True))
    assert set(rematched.members.values_list("user_id", flat=True)) <= declined_people
    assert all(match.reasons for match in Match.objects.filter(program=program))
    # Meetings: held kickoffs with logs from both sides, a missed session, an upcoming one.
    from sessions.models import Meeting, Note, Project, SessionLog

    assert Meeting.objects.filter(program=program, kind="kickoff", status="held").count() == 3
    assert SessionLog.objects.filter(meeting__kind="kickoff", meeting__program=program).count() == 6
    assert Meeting.objects.filter(program=program, status="missed").count() == 1
    assert Meeting.objects.filter(program=program, status="scheduled", starts_at__gt=timezone.now()).exists()
    assert Note.objects.filter(match__program=program).count() == 6
    project_program = Program.objects.get(template_key="project")
    assert project_program.status == Program.Status.ACTIVE
    assert Project.objects.get(match__program=project_program).milestones.count() == 4

    example = Path(__file__).resolve().parents[2] / "docs" / "people-example.csv"
    plan = plan_people_import(example.read_text(encoding="utf-8"))
    assert plan.is_valid and (plan.created, plan.updated) == (4, 1)
