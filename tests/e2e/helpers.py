import re

from playwright.sync_api import Browser, Page, expect

from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD


def sign_in(browser: Browser, live_server, user) -> Page:
    """A fresh browser context signed in through the real login page (and MFA if set up)."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if getattr(user, "totp_secret", None):
        page.get_by_label(re.compile("Code", re.I)).fill(totp_code(user.totp_secret))
        page.get_by_role("button", name=re.compile("Sign In", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    return page
