"""The Content-Security-Policy in a real browser: the guard every journey runs under
(tests/e2e/conftest.py) really catches violations, and the pages no journey walks through
(Django admin, allauth's account pages) run under the policy without one."""

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_no_csp_violations
from tests.programs.factories import tech_program


def test_guard_fails_the_test_when_a_violation_was_seen():
    assert_no_csp_violations([])
    with pytest.raises(pytest.fail.Exception, match=r"Content-Security-Policy violations \(1 reports\)"):
        assert_no_csp_violations(["event: script-src-elem blocked inline on http://testserver/"])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guard_catches_inline_script_and_inline_style(new_context, csp_violations, live_server):
    page = new_context().new_page()
    page.goto(live_server.url + "/accounts/login/")
    expect(page.get_by_role("button", name="Sign In")).to_be_visible()
    page.evaluate("1")  # a round trip, so reports of the page load have arrived
    assert csp_violations == []  # the real page itself is clean

    # What an XSS (or a careless template) would do: an inline script and a style attribute.
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineScriptRan = true";
            document.body.append(script);
            document.querySelector("h1").setAttribute("style", "color: red");
        }"""
    )
    assert page.evaluate("window.inlineScriptRan") is None  # blocked by script-src 'self'
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") != "rgb(255, 0, 0)"
    page.context.close()  # delivers every pending report

    caught = list(csp_violations)
    csp_violations.clear()  # this test wanted them; don't let the guard fail it
    assert any(v.startswith("console") and "script-src" in v for v in caught), caught
    assert any(v.startswith("event: script-src-elem blocked inline") for v in caught), caught
    assert any(v.startswith("event: style-src-attr blocked inline") for v in caught), caught


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_and_account_pages_run_without_violations(sign_in, live_server, hr, screenshot_dir):
    """Django admin (changelists and add forms with their widgets) and allauth's own pages
    under the real policy. The guard fails this test on any violation."""
    hr.is_superuser = True  # sees every model in the admin
    hr.save(update_fields=["is_superuser"])
    page = sign_in(hr)

    page.goto(live_server.url + "/admin/")
    expect(page.get_by_role("heading", name="Raw data")).to_be_visible()
    model_pages = page.eval_on_selector_all(
        "#content-main a[href$='/'], #content-main a[href$='/add/']", "links => links.map(a => a.getAttribute('href'))"
    )
    model_pages = list(dict.fromkeys(model_pages))
    assert len(model_pages) >= 8, model_pages
    for href in model_pages:
        response = page.goto(urljoin(live_server.url, href))
        assert response.status == 200, href
        expect(page.locator("#content")).to_be_visible()

    # Change forms with the admin's JavaScript widgets: filter_horizontal, date pickers,
    # inlines with "Add another" and a select2 autocomplete that fetches its options.
    page.goto(live_server.url + f"/admin/mentoring/user/{hr.pk}/change/")
    expect(page.locator("#content-main form")).to_be_visible()
    program = tech_program(hr=hr)
    page.goto(live_server.url + f"/admin/programs/program/{program.pk}/change/")
    expect(page.locator(".selector-available")).to_be_visible()  # filter_horizontal drew itself
    page.get_by_role("button", name=re.compile("Add another Curriculum month", re.I)).click()
    page.locator(".dynamic-curriculum .select2-selection").last.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "50-admin-program-widgets.png", full_page=True)

    for path in ["/accounts/2fa/", "/accounts/email/", "/accounts/password/change/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Signed out: sign-in, sign-up and password reset pages.
    page.get_by_role("button", name=re.compile(hr.get_short_name())).click()
    page.get_by_role("button", name="Sign out").click()
    for path in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
