"""Session rows for tests that need a meeting, a log or a note to exist; `conftest.py`'s
`confirmed_pairs` builds the real plan through the services."""

import datetime

import factory
from django.utils import timezone

from programs.models import Role
from sessions.models import ActionItem, CalendarFeed, Meeting, Note, SessionLog
from tests.matching.factories import MatchFactory, member
from tests.mentoring.factories import UserFactory


def _on_the_hour(days: int) -> datetime.datetime:
    return (timezone.now() + datetime.timedelta(days=days)).replace(minute=0, second=0, microsecond=0)


class MeetingFactory(factory.django.DjangoModelFactory):
    """A pair's one-to-one session, not scheduled yet; `scheduled=True` (in three days) or
    `held=True` (two days ago). A program-wide session: `match=None, program=…, kind="group"`."""

    class Meta:
        model = Meeting

    class Params:
        scheduled = factory.Trait(status=Meeting.Status.SCHEDULED, starts_at=factory.LazyFunction(lambda: _on_the_hour(3)))
        held = factory.Trait(status=Meeting.Status.HELD, starts_at=factory.LazyFunction(lambda: _on_the_hour(-2)))

    match = factory.SubFactory(MatchFactory)
    program = factory.LazyAttribute(lambda o: o.match.program)
    kind = Meeting.Kind.ONE_TO_ONE
    title = factory.Sequence(lambda n: f"Session {n}")
    month = 1
    duration_minutes = 60


class SessionLogFactory(factory.django.DjangoModelFactory):
    """The junior's log of a held meeting (pass `author=` for the senior's)."""

    class Meta:
        model = SessionLog

    meeting = factory.SubFactory(MeetingFactory, held=True)
    author = factory.LazyAttribute(lambda o: member(o.meeting.match, Role.JUNIOR))
    held = True
    actual_minutes = 60
    shared = "How I use our design tools"
    learned = "Why budgets are planned a year ahead"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    match = factory.SubFactory(MatchFactory)
    author = factory.LazyAttribute(lambda o: member(o.match, Role.JUNIOR))
    body = factory.Sequence(lambda n: f"Note {n}: follow up on the CI pipeline")
    visibility = Note.Visibility.PRIVATE


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    match = factory.SubFactory(MatchFactory)
    owner = factory.LazyAttribute(lambda o: member(o.match, Role.JUNIOR))
    created_by = factory.SelfAttribute("owner")
    title = factory.Sequence(lambda n: f"Try tool {n}")


class CalendarFeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarFeed

    user = factory.SubFactory(UserFactory)
