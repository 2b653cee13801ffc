"""Browser journey (issue 14, items 4 and 5): HR invites someone from the directory while the
site is served on an unusual host and port; the invitee, who has no account yet, follows the
mailed link, signs up from the page it leads to, confirms the address from the mail and lands
back on the invitation, signed in. Screenshots land in tests/e2e/screenshots/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentoring.models import User
from mentoring.services import people_import_apply
from programs.models import Program
from tests.programs.factories import tech_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "a-fresh-passphrase-42"


def mailed_link(to: str, pattern: str) -> str:
    message = [m for m in mail.outbox if m.to == [to]][-1]
    return re.search(pattern, message.body).group(0)


def test_invitee_without_an_account_signs_up_and_returns_to_the_invitation(sign_in, hr, live_server, new_context, screenshot_dir):
    people_import_apply(content="email,first_name,last_name,level\nada@acme.test,Ada,Lovelace,junior\n")
    ada = User.objects.get(email="ada@acme.test")
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False, name="Leaders learn from juniors")

    hr_page = sign_in(hr)
    hr_page.goto(f"{live_server.url}/hr/programs/{program.pk}/invite/")
    hr_page.locator(f"#person-{ada.pk}").check()
    hr_page.get_by_role("button", name="Send invitations").click()
    expect(hr_page.get_by_text(re.compile("Invited 1|1 (person|invitation)", re.I)).first).to_be_visible()

    # The link in the mail points to the host and port the site was served on.
    link = mailed_link(ada.email, r"https?://\S+/invitations/\S+/")
    assert link.startswith(live_server.url + "/"), (link, live_server.url)

    context = new_context(viewport={"width": 390, "height": 844})  # the invitee reads the mail on a phone
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.screenshot(path=screenshot_dir / "150-invitee-sign-in-page.png", full_page=True)
    page.get_by_role("button", name=re.compile("Toggle navigation", re.I)).click()
    page.get_by_role("link", name="Sign up", exact=True).click()  # the menu's link keeps the way back
    page.get_by_label("Email").fill(ada.email)
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name=re.compile("Sign Up", re.I)).click()
    expect(page.get_by_role("heading", name=re.compile("Verify Your Email Address", re.I))).to_be_visible()

    confirmation = [m for m in mail.outbox if m.to == [ada.email]][-1]
    assert "Hello from Reverse Mentoring!" in confirmation.body and "has given your email address" not in confirmation.body
    page.goto(mailed_link(ada.email, r"https?://\S+/accounts/confirm-email/\S+/"))
    page.screenshot(path=screenshot_dir / "151-invitee-confirms.png", full_page=True)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/invitations/"))
    expect(page.get_by_text("Leaders learn from juniors").first).to_be_visible()
    page.screenshot(path=screenshot_dir / "152-invitee-back-on-the-invitation.png", full_page=True)
    context.close()
