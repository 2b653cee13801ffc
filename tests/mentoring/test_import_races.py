"""Two people imports confirmed at once (issue 12, item 8): imports are applied one after the
other, each checked against the directory as the one before left it, so two files that are each
fine alone can never make a manager cycle together, and a department both add is created once."""

import functools

import pytest
from django.core.exceptions import ValidationError

from mentoring.models import Department, PeopleImport, User
from mentoring.selectors import people_for_export
from mentoring.services import people_export_csv, people_import_confirm, people_import_preview
from tests.mentoring.factories import UserFactory
from tests.races import needs_postgres, race

pytestmark = [needs_postgres, pytest.mark.django_db(transaction=True)]
HEADER = "email,first_name,last_name,title,department,level,manager_email\n"


def previewed(hr, content: str) -> PeopleImport:
    record, plan = people_import_preview(content=content, filename="people.csv", uploaded_by=hr)
    assert plan.is_valid, plan.errors  # each file is fine on its own
    return record


def managers() -> dict[str, str | None]:
    return dict(User.objects.values_list("email", "manager__email"))


def test_two_files_that_together_make_a_manager_cycle_are_never_both_applied():
    hr = UserFactory(email="hr@acme.test")
    for round_ in range(10):
        x, y = f"x{round_}@acme.test", f"y{round_}@acme.test"
        UserFactory(email=x, manager=None)
        UserFactory(email=y, manager=None)
        x_reports_to_y = previewed(hr, HEADER + f"{x},Xavier,X,Engineer,Engineering,mid,{y}\n")
        y_reports_to_x = previewed(hr, HEADER + f"{y},Yara,Y,Engineer,Engineering,mid,{x}\n")
        outcomes = race(
            functools.partial(people_import_confirm, people_import=x_reports_to_y, confirmed_by=hr),
            functools.partial(people_import_confirm, people_import=y_reports_to_x, confirmed_by=hr),
        )
        assert [outcome.ok for outcome in outcomes].count(True) == 1, [outcome.error for outcome in outcomes]
        refused = next(outcome.error for outcome in outcomes if not outcome.ok)
        assert isinstance(refused, ValidationError), refused
        assert len(refused.messages) == 1 and "creates a manager cycle" in refused.messages[0], refused.messages
        lines = managers()
        assert (lines[x] == y) != (lines[y] == x), "exactly one reporting line was written"
        statuses = sorted(PeopleImport.objects.filter(pk__in=[x_reports_to_y.pk, y_reports_to_x.pk]).values_list("status", flat=True))
        assert statuses == [PeopleImport.Status.APPLIED, PeopleImport.Status.PREVIEWED]  # the refused one can be fixed or discarded
    # The directory's own export is still a valid import (a cycle would be refused here).
    previewed(hr, people_export_csv(people=people_for_export()))


def test_two_files_adding_the_same_new_department_both_apply_and_share_it():
    hr = UserFactory(email="hr@acme.test")
    for round_ in range(10):
        department = f"Research {round_}"
        first = previewed(hr, HEADER + f"a{round_}@acme.test,Ada,A,Scientist,{department},mid,\n")
        second = previewed(hr, HEADER + f"b{round_}@acme.test,Bo,B,Scientist,{department.upper()},mid,\n")
        outcomes = race(
            functools.partial(people_import_confirm, people_import=first, confirmed_by=hr),
            functools.partial(people_import_confirm, people_import=second, confirmed_by=hr),
        )
        assert all(outcome.ok for outcome in outcomes), [outcome.error for outcome in outcomes]
        assert [outcome.value.created for outcome in outcomes] == [1, 1]
        assert Department.objects.filter(name__iexact=department).count() == 1
        assert set(User.objects.filter(department__name__iexact=department).values_list("email", flat=True)) == {
            f"a{round_}@acme.test",
            f"b{round_}@acme.test",
        }
