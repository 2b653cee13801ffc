"""Browser journey: HR signs in through the real login page (password + authenticator
code) and imports the people directory. Screenshots land in tests/e2e/screenshots/."""

import re

import pytest
from playwright.sync_api import Page, expect

from mentoring.models import PeopleImport, User
from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE_CSV = (
    "email,first_name,last_name,title,department,level,manager_email\n"
    "cora.chief@acme.test,Cora,Chief,CEO,Executive,executive,\n"
    "tariq.tech@acme.test,Tariq,Tech,CTO,Engineering,director,cora.chief@acme.test\n"
    "lea.lead@acme.test,Lea,Lead,Team Lead,Engineering,lead,tariq.tech@acme.test\n"
    "dev.junior@acme.test,Dev,Junior,Developer,Engineering,junior,lea.lead@acme.test\n"
)


def test_hr_signs_in_with_mfa_and_imports_people(page: Page, live_server, hr, tmp_path, screenshot_dir):
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/people/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Email").fill(hr.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.screenshot(path=screenshot_dir / "01-login.png", full_page=True)
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label(re.compile("Authenticator code|Code", re.I)).fill(totp_code(hr.totp_secret))
    page.screenshot(path=screenshot_dir / "02-mfa.png", full_page=True)
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()

    expect(page.get_by_role("heading", name="People directory")).to_be_visible()
    page.get_by_role("link", name="Import people").first.click()

    csv_file = tmp_path / "acme-people.csv"
    csv_file.write_text(PEOPLE_CSV, encoding="utf-8")
    page.get_by_label("People file (CSV)").set_input_files(str(csv_file))
    page.screenshot(path=screenshot_dir / "03-upload.png", full_page=True)
    page.get_by_role("button", name="Check file").click()

    expect(page.get_by_role("heading", name="Import of acme-people.csv")).to_be_visible()
    expect(page.get_by_text("dev.junior@acme.test")).to_be_visible()
    assert not User.objects.filter(email__endswith="@acme.test").exists()  # preview only
    page.screenshot(path=screenshot_dir / "04-preview.png", full_page=True)
    page.get_by_role("button", name="Apply: add 4, update 0").click()

    expect(page.get_by_text("Import applied: 4 added, 0 updated, 0 unchanged.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Dev Junior"))).to_be_visible()
    page.screenshot(path=screenshot_dir / "05-directory.png", full_page=True)
    assert User.objects.get(email="dev.junior@acme.test").manager.email == "lea.lead@acme.test"
    assert PeopleImport.objects.get().status == PeopleImport.Status.APPLIED


def test_import_with_errors_shows_rows_and_changes_nothing(page: Page, live_server, hr, tmp_path, screenshot_dir):
    page.set_default_timeout(15_000)
    # Sign in through the real pages again: a browser session needs its own cookies.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(hr.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label(re.compile("Authenticator code|Code", re.I)).fill(totp_code(hr.totp_secret))
    page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()

    page.goto(live_server.url + "/people/import/")
    bad = tmp_path / "bad.csv"
    bad.write_text(PEOPLE_CSV + "not-an-email,X,Y,,Engineering,intern,\n", encoding="utf-8")
    page.get_by_label("People file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Check file").click()
    expect(page.get_by_role("heading", name="The file was rejected")).to_be_visible()
    expect(page.get_by_text("“not-an-email” is not a valid e-mail address.")).to_be_visible()
    expect(page.get_by_text(re.compile("“intern” is not a known level"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Apply"))).to_have_count(0)
    page.screenshot(path=screenshot_dir / "06-rejected.png", full_page=True)
    assert not User.objects.filter(email__endswith="@acme.test").exists()


def test_hr_without_mfa_is_walked_through_authenticator_setup(page: Page, live_server, hr_without_mfa, screenshot_dir):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(hr_without_mfa.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()

    page.goto(live_server.url + "/people/")
    expect(page.get_by_text("HR pages show personal data")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)  # allauth asks to confirm before adding a factor
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, next(iter(yield_hotp_counters_from_time()))))
    page.screenshot(path=screenshot_dir / "07-activate-totp.png", full_page=True)
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name="Activate").click()

    expect(page.get_by_role("heading", name="Recovery Codes")).to_be_visible()
    page.get_by_role("link", name="Continue to the people directory").click()
    expect(page.get_by_role("heading", name="People directory")).to_be_visible()


def test_a_large_file_is_previewed_page_by_page_and_applied(sign_in, live_server, hr, tmp_path, screenshot_dir):
    page = sign_in(hr)
    page.goto(live_server.url + "/people/import/")
    rows = "".join(
        f"person{i}@acme.test,Person,Number {i},Engineer,{'Platform' if i % 2 else 'Data'},junior,{f'person{i // 2}@acme.test' if i else ''}\n"
        for i in range(250)
    )
    big = tmp_path / "company.csv"
    big.write_text("email,first_name,last_name,title,department,level,manager_email\n" + rows, encoding="utf-8")
    page.get_by_label("People file (CSV)").set_input_files(str(big))
    page.get_by_role("button", name="Check file").click()

    expect(page.get_by_role("heading", name="Import of company.csv")).to_be_visible()
    expect(page.get_by_text("Page 1 of 5")).to_be_visible()
    expect(page.get_by_text("Changes 1–50 of 250; applying applies all of them.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "08-import-first-page.png", full_page=True)
    page.get_by_role("link", name="Next").click()
    expect(page.get_by_text("Page 2 of 5")).to_be_visible()
    expect(page.get_by_text("person50@acme.test", exact=True)).to_be_visible()
    page.get_by_role("button", name="Check again now").click()
    expect(page.get_by_text("The file was checked again against the directory as it is now.")).to_be_visible()
    page.screenshot(path=screenshot_dir / "09-import-checked-again.png", full_page=True)
    page.get_by_role("button", name="Apply: add 250, update 0").click()

    expect(page.get_by_text("Import applied: 250 added, 0 updated, 0 unchanged.")).to_be_visible()
    assert User.objects.get(email="person249@acme.test").manager.email == "person124@acme.test"
