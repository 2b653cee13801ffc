import os
import re
import warnings
from pathlib import Path

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


# axe-core (pinned in package.json, installed by `make test` into node_modules/) runs on every
# page each context loads. It is evaluated through the DevTools protocol, which the page's
# Content-Security-Policy does not govern, so the check needs no weakening of the policy.
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAIL_IMPACTS = {"serious", "critical"}
_RUN_AXE = """async () => {
  const result = await axe.run(document, {
    // Preloading re-parses stylesheets in <style> elements it adds, which the CSP refuses.
    preload: false,
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact,
    // color-contrast says which colours it measured: "selector (#fg on #bg = 4.2)".
    targets: v.nodes.map((n) => {
      const d = (n.any[0] || {}).data;
      const target = n.target.join(" ");
      return d && d.fgColor ? `${target} (${d.fgColor} on ${d.bgColor} = ${d.contrastRatio})` : target;
    }),
  }));
}"""

# Violations we know of and have not fixed yet: (rule id, a regular expression matching the
# CSS selector axe gives for the node, the page path's start). Each entry says why it is still here; an entry that no longer matches
# anything is harmless but should be removed.
AXE_ALLOWLIST: list[tuple[str, str, str]] = [
    # Django's own admin (its templates, CSS and the select2/filter widgets ship with Django;
    # the site's pages are for people, the admin for the few staff who keep the data):
    # breadcrumb links told apart by colour only,
    ("link-in-text-block", r"\.breadcrumbs > a.*", "/admin/"),
    # the filter_horizontal search icon carries a title on a <span> without a role,
    ("aria-prohibited-attr", r".*search-label-icon.*", "/admin/"),
    # select2's autocomplete combobox has no name of its own,
    ("aria-input-field-name", r".*select2.*", "/admin/"),
    # split date/time widgets and tabular inline cells, labelled by the column heading only.
    ("label", r"#id_.*", "/admin/"),
]


def _axe_allowed(rule: str, target: str, url: str) -> bool:
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    target = target.split(" (#")[0]
    return any(rule == r and re.fullmatch(t, target) and path.startswith(p) for r, t, p in AXE_ALLOWLIST)


def _axe_source() -> str | None:
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT.read_text()
    if os.environ.get("CI") == "true":
        pytest.fail(f"{AXE_SCRIPT} is missing: run `make test` (npm ci) so the accessibility check runs", pytrace=False)
    warnings.warn(f"axe-core not installed ({AXE_SCRIPT} missing): accessibility check skipped; `npm ci` installs it", stacklevel=2)
    return None


def watch_axe_violations(context: BrowserContext, source: str, violations: list[str]) -> None:
    """After each load of any page of `context`, run axe-core and record every serious or
    critical WCAG 2.1 A/AA violation into `violations`."""

    def check(page):
        url = page.url
        try:
            page.evaluate(f"() => {{ if (!window.axe) {{ {source}\n }} }}")
            found = page.evaluate(_RUN_AXE)
        except Exception as error:
            # The test navigating on or closing the page before axe finished is normal;
            # anything else means the check did not run, which must not pass silently.
            if not page.is_closed() and page.url == url and "context was destroyed" not in str(error):
                violations.append(f"axe-core could not run on {url}: {error}")
            return
        for v in found:
            if v["impact"] not in AXE_FAIL_IMPACTS:
                continue
            targets = [t for t in v["targets"] if not _axe_allowed(v["id"], t, url)]
            if targets:
                shown = ", ".join(targets[:3]) + (f" (+{len(targets) - 3} more)" if len(targets) > 3 else "")
                violations.append(f"{v['id']} ({v['impact']}) on {url}: {shown}")

    context.on("page", lambda page: page.on("load", check))


def assert_no_axe_violations(violations: list[str]) -> None:
    if violations:
        listed = "\n  ".join(dict.fromkeys(violations))
        pytest.fail(f"axe-core found serious/critical accessibility violations:\n  {listed}", pytrace=False)


@pytest.fixture
def axe_violations() -> list[str]:
    """Every serious or critical axe-core violation found during this test (filled by new_context)."""
    return []


@pytest.fixture
def csp_violations() -> list[str]:
    """Every CSP violation the browser reported during this test (filled by new_context)."""
    return []


@pytest.fixture
def new_context(new_context, csp_violations, axe_violations):
    """pytest-playwright's context factory, with the CSP guard and the axe-core check on
    every context it makes: the `page` fixture, `sign_in` and any journey that calls
    new_context() directly. A test whose pages hit a CSP violation or a serious/critical
    accessibility violation fails at teardown, listing them."""
    contexts: list[BrowserContext] = []
    closed: set[int] = set()
    axe_source = _axe_source()

    def _new_context(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        watch_csp_violations(context, csp_violations)
        if axe_source is not None:
            watch_axe_violations(context, axe_source, axe_violations)
        context.on("close", lambda ctx: closed.add(id(ctx)))
        contexts.append(context)
        return context

    yield _new_context
    # Closing delivers every event the browser sent before it, so nothing is missed.
    for context in contexts:
        if id(context) not in closed:
            context.close()
    assert_no_csp_violations(csp_violations)
    assert_no_axe_violations(axe_violations)


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
