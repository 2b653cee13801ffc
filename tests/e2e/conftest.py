import re

import pytest
from playwright.sync_api import expect

from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD


@pytest.fixture
def sign_in(browser, live_server):
    """sign_in(user) -> a page in its own browser context, signed in through the real
    login page (and MFA when the user has it). Contexts close before the live server
    stops, so no request outlives the test."""
    contexts = []

    def _sign_in(user):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
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

    yield _sign_in
    for context in contexts:
        context.close()

