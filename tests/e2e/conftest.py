import re

import pytest
from playwright.sync_api import BrowserContext, expect

from tests.conftest import totp_code
from tests.mentoring.factories import PASSWORD

# Chromium reports a Content-Security-Policy violation twice: as a console error ("… violates
# the following Content Security Policy directive …", older builds: "Refused to …") and as a
# `securitypolicyviolation` DOM event. The guard listens to both, so a change of wording in
# one of them does not silently switch it off.
_CSP_CONSOLE_TEXT = re.compile(r"content security policy|^refused to", re.IGNORECASE)
_REPORT_VIOLATION_EVENTS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "(unknown)"} on ${document.URL} ` +
    `(${event.sourceFile || "document"}:${event.lineNumber})`
  );
}, true);
"""


def watch_csp_violations(context: BrowserContext, violations: list[str]) -> None:
    """Record every CSP violation reported by any page of `context` into `violations`."""

    def on_console(message):
        if message.type == "error" and _CSP_CONSOLE_TEXT.search(message.text):
            where = message.page.url if message.page else "?"
            violations.append(f"console on {where}: {message.text}")

    context.on("console", on_console)
    context.expose_binding("__reportCspViolation", lambda source, text: violations.append(f"event: {text}"))
    context.add_init_script(_REPORT_VIOLATION_EVENTS)


def assert_no_csp_violations(violations: list[str]) -> None:
    if violations:
        listed = "\n  ".join(dict.fromkeys(violations))
        pytest.fail(f"The browser reported Content-Security-Policy violations ({len(violations)} reports):\n  {listed}", pytrace=False)


@pytest.fixture
def csp_violations() -> list[str]:
    """Every CSP violation the browser reported during this test (filled by new_context)."""
    return []


@pytest.fixture
def new_context(new_context, csp_violations):
    """pytest-playwright's context factory, with the CSP guard on every context it makes:
    the `page` fixture, `sign_in` and any journey that calls new_context() directly. A test
    whose pages hit a CSP violation fails at teardown, listing the violations."""
    contexts: list[BrowserContext] = []
    closed: set[int] = set()

    def _new_context(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        watch_csp_violations(context, csp_violations)
        context.on("close", lambda ctx: closed.add(id(ctx)))
        contexts.append(context)
        return context

    yield _new_context
    # Closing delivers every event the browser sent before it, so nothing is missed.
    for context in contexts:
        if id(context) not in closed:
            context.close()
    assert_no_csp_violations(csp_violations)


@pytest.fixture
def sign_in(new_context, live_server):
    """sign_in(user) -> a page in its own browser context, signed in through the real
    login page (and MFA when the user has it). Contexts close before the live server
    stops, so no request outlives the test."""
    contexts = []

    def _sign_in(user):
        context = new_context(viewport={"width": 1280, "height": 900})
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
