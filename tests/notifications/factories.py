"""Outbox rows for tests that need mail to exist; the collectors and `notify` are tested
through the sweep in test_outbox.py."""

import factory

from notifications.models import EmailPreference, Notification
from programs.notifications import PHASE_CHANGE
from tests.mentoring.factories import UserFactory
from tests.programs.factories import ProgramFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """A queued "program news" mail (a kind every installation registers, whose context is just
    the program), unique by its dedupe key."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    program = factory.SubFactory(ProgramFactory)
    kind = PHASE_CHANGE
    dedupe_key = factory.Sequence(lambda n: f"test:{n}")
    context = factory.LazyAttribute(lambda o: {"program_id": o.program.pk, "status": o.program.status})
    status = Notification.Status.QUEUED


class EmailPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailPreference
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    disabled_kinds = factory.LazyFunction(list)
