"""Issue 14, item 6: a check-in asking HR to reach out reaches the program's coordinators the
same day (who asked and where to act, never what else the check-in says), and leadership's
answer to a recommendation reaches its authors, who also see the outcome on their page."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from evaluation.models import Recommendation
from evaluation.services import checkin_submit, recommendation_submit
from mentoring.services import hr_coordinator_grant
from notifications.models import Notification
from programs.models import Program
from tests.conftest import give_totp
from tests.evaluation.helpers import active
from tests.mentoring.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = "my senior mentee keeps cancelling and I feel ignored"


def test_asking_hr_to_reach_out_mails_the_programs_coordinators_at_once(client, hr, hr_without_mfa, django_capture_on_commit_callbacks):
    program, ((junior, senior),) = active(hr)
    other_hr = UserFactory(email="hr3@example.com")  # HR, but not coordinating this program
    hr_coordinator_grant(user=other_hr)
    give_totp(other_hr)
    program.coordinators.add(hr, hr_without_mfa)  # the second may not act as HR (no authenticator)
    hr.language = "de"
    hr.save()
    client.force_login(junior)
    data = {"pulse": "1", "meetings_as_planned": "no", "flags": ["no_time"], "comment": SECRET, "reach_out": "on"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:checkin", args=[program.pk]), data)
        client.post(reverse("evaluation:checkin", args=[program.pk]), data)  # a double submit
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[hr.email]]  # the digest's recipients: coordinators who may act as HR
    message = mail.outbox[0]
    with translation.override("de"):  # the recipient's language, whoever triggered the mail
        expected = gettext("%(person)s asks HR to reach out (%(program)s)") % {"person": junior.get_full_name(), "program": program.name}
    assert message.subject == expected
    assert junior.email in message.body
    assert reverse("evaluation:dashboard", args=[program.pk]) + "?status=reach_out" in message.body
    html = message.alternatives[0][0]
    for part in (message.subject, message.body, html):  # the comment, pulse and challenges stay in the product
        assert SECRET not in part and "pulse" not in part.lower() and "lack of time" not in part.lower()
    with translation.override("de"):
        essential = gettext("This message is essential to your program and cannot be switched off.")
    assert '<html lang="de">' in html and essential in message.body
    assert other_hr.email not in [m.to[0] for m in mail.outbox]


def test_a_check_in_without_the_request_tells_hr_nothing(hr, django_capture_on_commit_callbacks):
    program, ((junior, senior),) = active(hr)
    program.coordinators.add(hr)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(program=program, user=junior, pulse=2, meetings_as_planned=True, comment=SECRET)
    assert mail.outbox == [] and not Notification.objects.filter(kind="checkin_reach_out").exists()


def recommendation(program, junior, senior):
    return recommendation_submit(
        program=program, by=junior, title="Dev containers", description="Faster onboarding", area="technology",
        expected_impact="high", coauthors=[senior],
    )  # fmt: skip


def test_leadership_answer_reaches_the_authors_with_status_and_outcome(client, hr, django_capture_on_commit_callbacks):
    program, ((junior, senior),) = active(hr)
    item = recommendation(program, junior, senior)
    senior.language = "de"
    senior.save()
    client.force_login(hr)
    board = reverse("evaluation:recommendation_board", args=[program.pk])
    follow_up = timezone.localdate() + datetime.timedelta(days=90)
    adopted = {
        "recommendation": item.pk, "status": "under_review", "leadership_response": "The CTO is looking at it.",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(board, adopted).status_code == 302
        client.post(board, adopted)  # a double submit: the same answer is one mail per author
    assert sorted(m.to[0] for m in mail.outbox) == sorted([junior.email, senior.email])
    by_person = {m.to[0]: m for m in mail.outbox}
    assert by_person[junior.email].subject == "Your recommendation “Dev containers”: Under review"
    with translation.override("de"):  # the senior reads German, whoever answered
        german = gettext("Your recommendation “%(title)s”: %(status)s") % {"title": "Dev containers", "status": gettext("Under review")}
    assert by_person[senior.email].subject == german != by_person[junior.email].subject
    mail.outbox.clear()
    answer = {
        "recommendation": item.pk, "status": "adopted", "leadership_response": "Funded for every team.",
        "follow_up_date": follow_up.isoformat(), "outcome": "Onboarding went from 3 days to 4 hours.",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(board, answer).status_code == 302
    message = next(m for m in mail.outbox if m.to == [junior.email])
    assert message.subject == "Your recommendation “Dev containers”: Adopted"
    assert "Funded for every team." in message.body and "Onboarding went from 3 days to 4 hours." in message.body
    assert f"{follow_up.day} {follow_up:%B %Y}" in message.body
    assert reverse("evaluation:recommendations", args=[program.pk]) + f"#recommendation-{item.pk}" in message.body
    assert "Don't want these?" in message.body  # the authors may switch these off
    assert '<html lang="de">' in next(m for m in mail.outbox if m.to == [senior.email]).alternatives[0][0]
    assert len(mail.outbox) == 2
    # and the authors see the outcome on their recommendations page
    client.force_login(senior)
    page = client.get(reverse("evaluation:recommendations", args=[program.pk])).content.decode()
    assert f'id="recommendation-{item.pk}"' in page and "Onboarding went from 3 days to 4 hours." in page


def test_an_answer_replaced_before_it_was_sent_is_not_mailed(hr):
    from evaluation.services import recommendation_update
    from notifications.services import notification_send

    program, ((junior, senior),) = active(hr)
    item = recommendation(program, junior, senior)
    recommendation_update(recommendation=item, by=hr, status="under_review")
    recommendation_update(recommendation=item, by=hr, status="declined", leadership_response="Not this year.")
    first, second = (
        Notification.objects.filter(kind="recommendation_answered", recipient=junior).order_by("pk").values_list("pk", flat=True)
    )
    assert notification_send(first) == "skipped" and notification_send(second) == "sent"
    assert Recommendation.objects.get().status == "declined" and program.status == Program.Status.ACTIVE
