"""Portal and HR pages: who gets in, what they see, and what bad input does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.models import PeopleImport, User
from tests.budgets import assert_flat, measure
from tests.mentoring.factories import DepartmentFactory, UserFactory
from tests.mentoring.test_people_import import GOOD

pytestmark = pytest.mark.django_db

HR_PAGES = [
    ("mentoring:directory", []),
    ("mentoring:people_import", []),
    ("mentoring:people_export", []),
]


def login(client, user):
    client.force_login(user)
    return client


# --- access --------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "args"), HR_PAGES)
def test_hr_pages_send_anonymous_visitors_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "args"), HR_PAGES)
@pytest.mark.parametrize("persona", ["junior", "senior", "senior_manager", "outsider"])
def test_hr_pages_refuse_participants_with_403(client, request, persona, name, args):
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 403
    assert b"HR coordinators" in response.content


@pytest.mark.parametrize(("name", "args"), HR_PAGES)
def test_hr_pages_send_hr_without_mfa_to_authenticator_setup(client, hr_without_mfa, name, args):
    login(client, hr_without_mfa)
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize(("name", "args"), HR_PAGES)
def test_hr_pages_open_for_hr_with_mfa(hr_client, name, args):
    assert hr_client.get(reverse(name, args=args)).status_code == 200


def test_mfa_requirement_can_be_switched_off(client, hr_without_mfa, settings):
    settings.HR_REQUIRE_MFA = False
    login(client, hr_without_mfa)
    assert client.get(reverse("mentoring:directory")).status_code == 200


def test_import_preview_is_hr_only(client, hr, junior):
    record = PeopleImport.objects.create(filename="x.csv", content=GOOD, uploaded_by=hr)
    url = reverse("mentoring:people_import_preview", args=[record.pk])
    assert login(client, junior).get(url).status_code == 403
    assert client.post(url, {"action": "confirm"}).status_code == 403
    assert User.objects.filter(email="ceo@acme.test").count() == 0
    assert login(client, hr).get(url).status_code == 200
    assert client.get(reverse("mentoring:people_import_preview", args=[record.pk + 99])).status_code == 404


@pytest.mark.parametrize("name", ["portal:home", "mentoring:profile"])
def test_portal_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["junior", "senior", "hr_without_mfa"])
def test_portal_pages_open_for_everyone_signed_in(client, request, persona):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse("portal:home")).status_code == 200
    assert client.get(reverse("mentoring:profile")).status_code == 200


def test_admin_needs_staff_and_mfa(client, hr, hr_without_mfa, junior):
    def lands_on(url_name):
        # Activating an authenticator may first ask for the password again (allauth's
        # reauthentication), so look for the page anywhere on the way.
        response = client.get("/admin/", follow=True)
        return any(url.startswith(reverse(url_name)) for url, _status in response.redirect_chain)

    assert lands_on("account_login")
    login(client, junior)
    assert client.get("/admin/", follow=True).status_code == 403
    login(client, hr_without_mfa)
    assert lands_on("mfa_activate_totp")
    login(client, hr)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/mentoring/user/").status_code == 200
    assert client.get("/admin/mentoring/department/").status_code == 200
    assert client.get("/admin/mentoring/peopleimport/").status_code == 200


# --- home and profile ----------------------------------------------------------------------
def test_home_greets_the_person_with_their_profile(client, senior, senior_manager):
    page = login(client, senior).get(reverse("portal:home")).content.decode()
    assert "Hello, Sam" in page
    assert "Engineering Manager" in page
    assert "Diana Director" in page  # reports to
    assert "People directory" not in page  # HR tools are not offered to participants


def test_home_offers_hr_tools_to_hr(hr_client):
    page = hr_client.get(reverse("portal:home")).content.decode()
    assert "HR coordinator tools" in page and reverse("mentoring:people_import") in page


def test_profile_saves_timezone_and_language(client, junior):
    login(client, junior)
    response = client.post(reverse("mentoring:profile"), {"timezone": "America/New_York", "language": "de"})
    assert response.status_code == 302
    junior.refresh_from_db()
    assert (junior.timezone, junior.language) == ("America/New_York", "de")


def test_profile_rejects_unknown_timezone_and_keeps_the_old_one(client, junior):
    login(client, junior)
    response = client.post(reverse("mentoring:profile"), {"timezone": "Mars/Base", "language": "en"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    junior.refresh_from_db()
    assert junior.timezone == "Europe/Berlin"


# --- directory -----------------------------------------------------------------------------
def test_directory_lists_searches_and_filters(hr_client, junior, senior):
    page = hr_client.get(reverse("mentoring:directory")).content.decode()
    assert "Jo Junior" in page and "Sam Senior" in page
    page = hr_client.get(reverse("mentoring:directory"), {"q": "junior@"}).content.decode()
    assert "Jo Junior" in page and "Sam Senior" not in page
    page = hr_client.get(reverse("mentoring:directory"), {"department": junior.department_id}).content.decode()
    assert "Jo Junior" in page and "Sam Senior" not in page
    page = hr_client.get(reverse("mentoring:directory"), {"level": senior.level}).content.decode()
    assert "Sam Senior" in page and "Jo Junior" not in page


def test_directory_costs_the_same_at_two_sizes(hr_client):
    boss, sales = UserFactory(), DepartmentFactory(name="Sales")
    url = reverse("mentoring:directory") + f"?department={sales.pk}"  # the same kind of row on every page
    UserFactory.create_batch(60, manager=boss, department=sales)  # more than a page (50) at both sizes
    small = measure(lambda: hr_client.get(url))
    UserFactory.create_batch(140, manager=boss, department=sales)
    large = measure(lambda: hr_client.get(url))
    assert_flat(small, large, ceiling=12)  # one page: the same instances too
    assert large.result.content.decode().count(boss.get_full_name()) == 50  # each row names the manager


def test_export_costs_the_same_at_two_sizes(hr_client):
    boss = UserFactory()
    url = reverse("mentoring:people_export")
    UserFactory.create_batch(5, manager=boss)
    small = measure(lambda: hr_client.get(url))
    UserFactory.create_batch(95, manager=boss)
    large = measure(lambda: hr_client.get(url))
    # Everyone is in the file, their managers and departments by join, never one query each.
    assert_flat(small, large, ceiling=8, listed={"mentoring.User", "mentoring.Department"})
    assert len(large.result.content.decode().splitlines()) == 1 + User.objects.count()


def test_export_downloads_the_directory_as_csv(hr_client, junior):
    response = hr_client.get(reverse("mentoring:people_export"))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("email,first_name,last_name,title,department,level,manager_email")
    assert "junior@example.com,Jo,Junior,Junior Designer,Product,junior," in body


# --- import page ---------------------------------------------------------------------------
def upload(client, content: bytes, name="people.csv"):
    return client.post(reverse("mentoring:people_import"), {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def test_upload_preview_confirm(hr_client, hr):
    response = upload(hr_client, GOOD.encode())
    record = PeopleImport.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    assert User.objects.filter(email="ceo@acme.test").count() == 0  # preview writes nothing

    page = hr_client.get(record.get_absolute_url()).content.decode()
    assert "Apply: add 4, update 0" in page
    assert "cto@acme.test" in page and "New departments will be created" in page

    response = hr_client.post(record.get_absolute_url(), {"action": "confirm"})
    assert response.status_code == 302 and response["Location"] == reverse("mentoring:directory")
    assert User.objects.filter(email__endswith="@acme.test").count() == 4
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.APPLIED and record.created_count == 4 and record.uploaded_by == hr

    # A second confirm of the same upload is refused and changes nothing.
    response = hr_client.post(record.get_absolute_url(), {"action": "confirm"}, follow=True)
    assert "cannot be applied again" in response.content.decode()
    assert User.objects.filter(email__endswith="@acme.test").count() == 4


def test_upload_with_errors_shows_rows_and_cannot_be_applied(hr_client):
    upload(hr_client, (GOOD + "broken,X,Y,,Engineering,junior,\n").encode())
    record = PeopleImport.objects.get()
    assert record.status == PeopleImport.Status.REJECTED and record.error_count == 1
    page = hr_client.get(record.get_absolute_url()).content.decode()
    assert "The file was rejected" in page
    assert "“broken” is not a valid e-mail address." in page
    assert 'value="confirm"' not in page
    response = hr_client.post(record.get_absolute_url(), {"action": "confirm"}, follow=True)
    assert "cannot be applied again" in response.content.decode()
    assert User.objects.filter(email__endswith="@acme.test").count() == 0


def test_discard_changes_nothing(hr_client):
    upload(hr_client, GOOD.encode())
    record = PeopleImport.objects.get()
    hr_client.post(record.get_absolute_url(), {"action": "discard"})
    record.refresh_from_db()
    assert record.status == PeopleImport.Status.DISCARDED
    assert User.objects.filter(email__endswith="@acme.test").count() == 0


def test_confirm_rechecks_against_the_directory_as_it_is_now(hr_client):
    upload(hr_client, (GOOD.replace(",executive,\n", ",executive,outside@acme.test\n")).encode())
    record = PeopleImport.objects.get()
    assert record.status == PeopleImport.Status.REJECTED  # manager unknown at upload time


def test_non_utf8_upload_rerenders_the_form_with_the_reason(hr_client):
    response = upload(hr_client, GOOD.replace("Cora", "Córa").encode("latin-1"))
    assert response.status_code == 200
    assert "not UTF-8" in response.content.decode()
    assert PeopleImport.objects.count() == 0


def test_missing_file_rerenders_the_form(hr_client):
    response = hr_client.post(reverse("mentoring:people_import"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()


def test_oversized_upload_is_refused(hr_client, settings):
    settings.PEOPLE_IMPORT_MAX_BYTES = 100
    response = upload(hr_client, GOOD.encode())
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert PeopleImport.objects.count() == 0


# --- error pages ---------------------------------------------------------------------------
def test_friendly_404(client, junior):
    login(client, junior)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn’t find that page" in response.content.decode()


def test_import_preview_costs_the_same_at_two_sizes(hr_client, hr):
    def upload(size):
        rows = "".join(f"p{i}@acme.test,P{i},Person,,Dept {i % 4},junior,{'p0@acme.test' if i else ''}\n" for i in range(size))
        return PeopleImport.objects.create(
            filename="big.csv", content="email,first_name,last_name,title,department,level,manager_email\n" + rows, uploaded_by=hr
        )

    few, many = upload(5), upload(200)
    small = measure(lambda: hr_client.get(few.get_absolute_url()))
    large = measure(lambda: hr_client.get(many.get_absolute_url()))
    assert_flat(small, large, ceiling=12, listed={"mentoring.PeopleImportLine"})  # a page of the changes: 5, then 50
    assert "Apply: add 5, update 0" in small.result.content.decode()
    assert "Apply: add 200, update 0" in large.result.content.decode()


def test_friendly_500_page_renders_without_context():
    from django.template import loader

    html = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in html and "bootstrap.min.css" in html


def test_applied_import_page_says_who_applied_it(hr_client, hr):
    upload(hr_client, GOOD.encode())
    record = PeopleImport.objects.get()
    hr_client.post(record.get_absolute_url(), {"action": "confirm"})
    page = hr_client.get(record.get_absolute_url()).content.decode()
    assert "by Hannah Reyes: 4 added, 0 updated, 0 unchanged." in page
    assert 'value="confirm"' not in page


def test_a_german_page_leaves_no_german_behind(client, junior):
    """The language a request activates (the person's, or Accept-Language) ends with it."""
    from django.utils import translation

    junior.language = "de"
    junior.save(update_fields=["language"])
    client.force_login(junior)
    translation.activate("en")
    response = client.get("/")
    assert response["Content-Language"] == "de"
    assert translation.get_language() == "en"
