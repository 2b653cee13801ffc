"""People imports of a 10,000-person company (issue 13): the checks do work linear in the file,
the preview is checked once and kept, so every preview page costs the same whatever the size of
the file, and the all-or-nothing semantics hold."""

import zoneinfo

import pytest
from django.urls import reverse

from mentoring import people_import as people_import_module
from mentoring.models import Department, Level, PeopleImport, PeopleImportLine, User
from mentoring.people_import import _manager_cycles, manager_cycles, parse_people_csv, plan_people_import
from mentoring.selectors import PEOPLE_IMPORT_PAGE_SIZE
from mentoring.services import people_import_apply, people_import_check, people_import_confirm, people_import_preview
from tests.budgets import assert_flat, measure
from tests.mentoring.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,title,department,level,manager_email\n"


def people(count: int, *, prefix: str = "p", title: str = "Engineer") -> str:
    """`count` people, each reporting to someone before them."""
    rows = [
        f"{prefix}{i}@acme.test,P{i},Person,{title},Dept {i % 7},junior,{f'{prefix}{(i - 1) // 3}@acme.test' if i else ''}\n"
        for i in range(count)
    ]
    return HEADER + "".join(rows)


class CountedLookups(dict):
    """Reporting lines that count how often the cycle check looks one up."""

    lookups = 0

    def get(self, key, default=None):
        self.lookups += 1
        return super().get(key, default)


DEPTH = 100_000


def chain(depth: int) -> CountedLookups:
    """p0 reports to p1, who reports to p2, … up to p{depth-1}, who reports to nobody."""
    managers = CountedLookups({f"p{i}": f"p{i + 1}" for i in range(depth - 1)})
    managers[f"p{depth - 1}"] = None
    return managers


# --- the cycle check ---------------------------------------------------------------------------
def test_the_cycle_check_looks_each_person_up_once_in_a_100000_deep_chain():
    managers = chain(DEPTH)
    # Walking up from everyone, bottom first: a check that walks each chain to its top looks
    # people up 5·10⁹ times; one that stops where an earlier walk went, once per person.
    assert manager_cycles(managers, [f"p{i}" for i in range(DEPTH)]) == []
    assert managers.lookups == DEPTH


def test_a_cycle_closing_a_100000_deep_chain_is_found_once_without_recursion():
    managers = chain(DEPTH)
    managers[f"p{DEPTH - 1}"] = "p0"  # the top now reports to the bottom
    cycles = manager_cycles(managers, [f"p{i}" for i in range(DEPTH)])
    assert len(cycles) == 1 and len(cycles[0]) == DEPTH and set(cycles[0]) == set(managers)
    assert managers.lookups == DEPTH


def test_cycles_the_file_makes_are_reported_at_their_first_row_and_directory_cycles_are_not():
    rows, errors, _ignored = parse_people_csv(
        HEADER
        + "a@acme.test,A,A,,X,lead,b@acme.test\n"  # row 2: a → b → c → a
        + "b@acme.test,B,B,,X,lead,c@acme.test\n"
        + "c@acme.test,C,C,,X,lead,a@acme.test\n"
        + "d@acme.test,D,D,,X,lead,old1@acme.test\n"  # row 5: into a loop of the directory's own
        + "e@acme.test,E,E,,X,lead,f@acme.test\n"  # row 6: e ↔ f
        + "f@acme.test,F,F,,X,lead,e@acme.test\n"
    )
    assert errors == []
    directory = {"old1@acme.test": "old2@acme.test", "old2@acme.test": "old1@acme.test"}
    assert [str(error) for error in _manager_cycles(rows, directory)] == [
        "Row 2, manager_email: creates a manager cycle: a@acme.test → b@acme.test → c@acme.test → a@acme.test.",
        "Row 6, manager_email: creates a manager cycle: e@acme.test → f@acme.test → e@acme.test.",
    ]


def test_a_deep_reporting_chain_in_a_file_imports_and_closing_it_is_refused():
    depth = 3_000
    rows = [f"c{i}@acme.test,C{i},Chain,,Dept,mid,{f'c{i + 1}@acme.test' if i < depth - 1 else ''}\n" for i in range(depth)]
    assert plan_people_import(HEADER + "".join(rows)).is_valid
    rows[-1] = f"c{depth - 1}@acme.test,C,Chain,,Dept,mid,c0@acme.test\n"
    plan = plan_people_import(HEADER + "".join(rows))
    assert [(error.row, error.column) for error in plan.errors] == [(2, "manager_email")]
    assert str(plan.errors[0]).startswith("Row 2, manager_email: creates a manager cycle: c0@acme.test → c1@acme.test → ")


# --- per-row costs -----------------------------------------------------------------------------
def test_time_zones_are_listed_once_per_file_not_once_per_row(monkeypatch):
    listed = []
    real = zoneinfo.available_timezones
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: listed.append(1) or real())
    rows = "".join(f"t{i}@acme.test,T,{i},mid,{'Europe/Berlin' if i % 2 else 'Asia/Tokyo'}\n" for i in range(200))
    plan = plan_people_import("email,first_name,last_name,level,timezone\n" + rows + "bad@acme.test,B,Z,mid,Mars/Base\n")
    assert len(listed) <= 1  # read once in this process, if not read before
    assert [str(error) for error in plan.errors] == [
        "Row 202, timezone: Mars/Base is not a known time zone (use a name like Europe/Berlin)."
    ]


# --- the preview page ----------------------------------------------------------------------------
def preview(hr, content: str) -> PeopleImport:
    record, _plan = people_import_preview(content=content, filename="people.csv", uploaded_by=hr)
    return record


def test_preview_pages_cost_the_same_for_150_or_1500_rows_and_never_read_the_file(hr_client, hr, monkeypatch):
    few, many = preview(hr, people(150)), preview(hr, people(1500))

    def never(*args, **kwargs):
        raise AssertionError("a preview page parsed or planned the file again")

    monkeypatch.setattr(people_import_module, "parse_people_csv", never)
    small = measure(lambda: hr_client.get(few.get_absolute_url()))
    large = measure(lambda: hr_client.get(many.get_absolute_url()))
    last = measure(lambda: hr_client.get(many.get_absolute_url(), {"page": 30}))
    assert_flat(small, large, ceiling=10)
    assert_flat(small, last, ceiling=10)
    assert small.instances["mentoring.PeopleImportLine"] == large.instances["mentoring.PeopleImportLine"] == PEOPLE_IMPORT_PAGE_SIZE == 50
    assert not any('"content"' in query for query in large.queries), "the page loaded the uploaded file"
    assert "Apply: add 1500, update 0" in large.result.content.decode()
    assert "Page 1 of 30" in large.result.content.decode()
    page = last.result.content.decode()
    assert "Page 30 of 30" in page and "p1499@acme.test" in page and "p1449@acme.test" not in page


def test_a_rejected_files_errors_are_paged_at_the_same_cost(hr_client, hr):
    def broken(count):
        return preview(hr, HEADER + "".join(f"bad{i},B,B,,X,mid,\n" for i in range(count)))

    few, many = broken(120), broken(1200)
    small = measure(lambda: hr_client.get(few.get_absolute_url()))
    large = measure(lambda: hr_client.get(many.get_absolute_url(), {"page": 24}))
    assert_flat(small, large, ceiling=10)
    page = large.result.content.decode()
    assert many.status == PeopleImport.Status.REJECTED and many.error_count == 1200
    assert "Row 1201, email: " not in page and "“bad1199” is not a valid e-mail address." in page
    assert "Page 24 of 24" in page and 'value="confirm"' not in page


def test_an_upload_kept_before_checks_were_stored_is_checked_once_on_its_page(hr_client, hr):
    record = PeopleImport.objects.create(filename="old.csv", content=people(3), uploaded_by=hr)
    assert record.checked_at is None
    assert "Apply: add 3, update 0" in hr_client.get(record.get_absolute_url()).content.decode()
    record.refresh_from_db()
    assert record.checked_at is not None and record.lines.count() == 3
    checked = record.checked_at
    hr_client.get(record.get_absolute_url())
    record.refresh_from_db()
    assert record.checked_at == checked


def test_check_again_shows_what_the_file_would_do_now(hr_client, hr):
    record = preview(hr, people(4))
    UserFactory(email="p1@acme.test", first_name="P1", last_name="Person", title="Engineer", department__name="Dept 1", level=Level.JUNIOR)
    User.objects.filter(email="p1@acme.test").update(manager=None)  # p1's manager (p0) is in the file: an update
    response = hr_client.post(record.get_absolute_url(), {"action": "check"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.created_count, record.updated_count) == (PeopleImport.Status.PREVIEWED, 3, 1)
    page = hr_client.get(record.get_absolute_url()).content.decode()
    assert "Apply: add 3, update 1" in page and "<del>—</del> → <ins>p0@acme.test</ins>" in page


def test_a_file_the_directory_outgrew_is_refused_at_apply_and_its_problems_listed(hr_client, hr):
    boss = UserFactory(email="boss@acme.test", manager=None)
    record = preview(hr, HEADER + "new@acme.test,New,Person,,Sales,junior,boss@acme.test\n")
    boss.delete()  # left the company after the upload
    response = hr_client.post(record.get_absolute_url(), {"action": "confirm"}, follow=True)
    page = response.content.decode()
    assert "no longer fits" in page
    assert "boss@acme.test is neither in this file nor in the directory." in page
    assert 'value="confirm"' not in page
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.REJECTED and record.error_count == 1
    assert not User.objects.filter(email="new@acme.test").exists()


def test_applying_or_discarding_drops_the_stored_preview_but_keeps_the_counts(hr):
    applied, discarded = preview(hr, people(5)), preview(hr, people(5, prefix="q"))
    assert PeopleImportLine.objects.count() == 10
    people_import_confirm(people_import=applied, confirmed_by=hr)
    from mentoring.services import people_import_discard

    people_import_discard(people_import=discarded)
    assert PeopleImportLine.objects.count() == 0
    applied.refresh_from_db()
    assert (applied.status, applied.created_count) == (PeopleImport.Status.APPLIED, 5)
    with pytest.raises(Exception, match="cannot be checked again"):
        people_import_check(people_import=applied)


def test_preview_page_access(client, hr, junior):
    record = preview(hr, people(3))
    url = record.get_absolute_url()
    client.force_login(junior)
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "check"}).status_code == 403
    client.force_login(hr)
    assert client.get(url).status_code == 200
    assert client.get(url, {"page": "not-a-number"}).status_code == 200
    assert client.get(url, {"page": 999}).status_code == 200
    assert client.get(reverse("mentoring:people_import_preview", args=[record.pk + 99])).status_code == 404


# --- what apply writes ---------------------------------------------------------------------------
def test_apply_links_new_and_existing_managers_and_keeps_what_the_file_leaves_out():
    boss = UserFactory(email="boss@acme.test", level=Level.DIRECTOR, timezone="Asia/Tokyo", language="de", manager=None)
    dev = UserFactory(email="dev@acme.test", level=Level.JUNIOR, timezone="Europe/Berlin", language="fr", manager=boss)
    people_import_apply(
        content=HEADER
        + "lead@acme.test,Lea,Lead,Team Lead,New Dept,lead,boss@acme.test\n"  # new, under someone in the directory
        + "dev@acme.test,Dev,Eloper,Developer,New Dept,mid,lead@acme.test\n"  # update, under someone new
        + "intern@acme.test,In,Tern,,,apprentice,dev@acme.test\n"  # new, under someone updated
    )
    lead, intern = User.objects.get(email="lead@acme.test"), User.objects.get(email="intern@acme.test")
    dev.refresh_from_db()
    assert (lead.manager, dev.manager, intern.manager) == (boss, lead, dev)
    assert (dev.first_name, dev.last_name, dev.title, dev.department.name, dev.level) == (
        "Dev",
        "Eloper",
        "Developer",
        "New Dept",
        Level.MID,
    )
    assert (dev.timezone, dev.language) == ("Europe/Berlin", "fr")  # no such columns: kept
    assert (lead.timezone, lead.language, intern.department) == ("UTC", "en", None)
    assert Department.objects.filter(name="New Dept").count() == 1
    boss.refresh_from_db()
    assert (boss.timezone, boss.language, boss.manager) == ("Asia/Tokyo", "de", None)  # not in the file: untouched

    people_import_apply(content="email,first_name,last_name,level,timezone,language\ndev@acme.test,Dev,Eloper,mid,America/New_York,de\n")
    dev.refresh_from_db()
    assert (dev.timezone, dev.language, dev.title, dev.manager) == ("America/New_York", "de", "", None)
