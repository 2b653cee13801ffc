"""Links in mails point to the site people use (issue 14, item 5): the host that served the
request that wrote the mail, else the last site seen, else SITE_URL."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from mentoring import site
from notifications.models import Notification
from programs.models import Invitation, Program
from tests.programs.factories import invite, tech_program

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_remembered():
    site._remembered_here.clear()
    cache.delete(site.REMEMBERED_KEY)
    yield
    site._remembered_here.clear()


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def test_invitations_sent_from_another_host_and_port_link_to_it(hr_client, hr, junior, senior, django_capture_on_commit_callbacks):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)
    with django_capture_on_commit_callbacks(execute=True):  # sent after the request, as a worker would
        response = hr_client.post(
            reverse("programs:invite", args=[program.pk]), {"people": [junior.pk, senior.pk], "message": ""}, HTTP_HOST="localhost:8011"
        )
    assert response.status_code == 302
    invitations = [m for m in mail.outbox if m.to == [junior.email]]
    token = Invitation.objects.get(user=junior).token
    assert f"http://localhost:8011/invitations/{token}/" in invitations[0].body
    assert all(link.startswith("http://localhost:8011/") for m in mail.outbox for link in links(m))
    assert "localhost:8011" in invitations[0].alternatives[0][0]  # the HTML part too
    assert Notification.objects.filter(context___site_url="http://localhost:8011").count() == 2


def test_a_mail_written_without_a_request_uses_the_last_site_seen(hr_client, hr, junior, senior, django_capture_on_commit_callbacks):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("programs:invite", args=[program.pk]), {"people": [junior.pk], "message": ""}, HTTP_HOST="localhost:8011")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, hr, senior)  # a service called outside any request (a sweep, a command)
    assert mail.outbox and all(link.startswith("http://localhost:8011/") for link in links(mail.outbox[0]))


def test_before_any_site_is_seen_mails_use_site_url(settings, hr, junior, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://mentoring.example.com"
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, hr, junior)
    assert links(mail.outbox[0]) and all(link.startswith("https://mentoring.example.com/") for link in links(mail.outbox[0]))


def test_a_host_outside_allowed_hosts_is_refused_and_never_remembered(hr_client, hr, junior):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING, open_call=False)
    response = hr_client.post(reverse("programs:invite", args=[program.pk]), {"people": [junior.pk]}, HTTP_HOST="evil.example.net")
    assert response.status_code == 400
    assert not Invitation.objects.exists() and site.remembered_site_url() is None


def test_account_mails_carry_the_product_name_and_the_request_host(client, junior):
    client.post(reverse("account_reset_password"), {"email": junior.email}, HTTP_HOST="localhost:8011")
    body = mail.outbox[0].body
    assert "Hello from Reverse Mentoring!" in body and "Hello from localhost" not in body and "Hello from testserver" not in body
    assert "http://localhost:8011/accounts/password/reset/key/" in body
