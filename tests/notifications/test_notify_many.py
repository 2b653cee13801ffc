"""Writing the outbox in bulk: each dedupe key once, the new ids back, switched-off kinds left
out — the same on both databases. On PostgreSQL rows are written with one INSERT … unnest
… ON CONFLICT DO NOTHING RETURNING per 5,000; those rows must be exactly what the ORM writes."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from notifications import services
from notifications.models import EmailPreference, Notification
from notifications.services import Message, notify_many
from tests.budgets import measure
from tests.mentoring.factories import UserFactory

pytestmark = pytest.mark.django_db
needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's own way of writing the outbox; runs in CI's service run"
)
NEWS = "phase_change"  # optional: can be switched off


def messages(people, tag="m", kind=NEWS):
    return [Message(person.pk, kind, f"{tag}:{person.pk}", {"program_id": 7, "status": "active", "n": [1, "ä"]}) for person in people]


def test_each_key_is_written_once_and_only_new_ids_come_back():
    people = UserFactory.create_batch(4)
    first = notify_many(messages(people[:3]), enqueue_after_commit=False)
    assert len(first) == 3
    again = notify_many(messages(people), enqueue_after_commit=False)  # three old keys, one new
    assert again == list(Notification.objects.filter(dedupe_key=f"m:{people[3].pk}").values_list("pk", flat=True))
    twice_in_one_call = messages(people[:1], tag="x") * 2
    assert len(notify_many(twice_in_one_call, enqueue_after_commit=False)) == 1
    assert Notification.objects.count() == 5


@pytest.mark.parametrize("recipients", [3, 950])  # a page's few, and a sweep's many (another query)
def test_switched_off_kinds_are_left_out_for_few_and_many_recipients(recipients):
    people = UserFactory.create_batch(recipients)
    EmailPreference.objects.create(user=people[0], disabled_kinds=[NEWS])
    EmailPreference.objects.create(user=people[1], disabled_kinds=[])
    outsider = UserFactory()  # switched news off but gets none here anyway
    EmailPreference.objects.create(user=outsider, disabled_kinds=[NEWS])
    ids = notify_many(messages(people), enqueue_after_commit=False)
    written = set(Notification.objects.filter(pk__in=ids).values_list("recipient_id", flat=True))
    assert written == {person.pk for person in people[1:]}


def test_a_large_batch_costs_a_fixed_number_of_queries():
    few, many = UserFactory.create_batch(5), UserFactory.create_batch(1200)
    small = measure(lambda: notify_many(messages(few), enqueue_after_commit=False), warm=False)
    large = measure(lambda: notify_many(messages(many), enqueue_after_commit=False), warm=False)
    assert Notification.objects.count() == 1205
    if connection.vendor == "postgresql":
        assert small.count == large.count == 2  # the preferences, then one INSERT … RETURNING
    else:  # SQLite takes at most 999 parameters a query: inserts of ~66 rows, checks of 900 keys
        assert large.count <= small.count + 1200 // 60 + 2 * (1200 // 900)


@needs_postgres
def test_postgresql_rows_are_exactly_what_the_orm_writes(settings):
    junior, senior = UserFactory.create_batch(2)
    now = timezone.now()
    (fast_id,) = services._insert_returning_new(messages([junior], tag="fast"))
    (orm_id,) = services._insert_new(messages([junior], tag="orm"))
    fast, orm = Notification.objects.get(pk=fast_id), Notification.objects.get(pk=orm_id)
    for field in Notification._meta.concrete_fields:
        name = field.attname
        if name in {"id", "dedupe_key"}:
            continue
        a, b = getattr(fast, name), getattr(orm, name)
        if isinstance(a, datetime.datetime):
            assert abs(a - now) < datetime.timedelta(minutes=1) and abs(b - now) < datetime.timedelta(minutes=1), name
        else:
            assert a == b, f"{name}: {a!r} written by unnest, {b!r} by the ORM"
    assert fast.context == {"program_id": 7, "status": "active", "n": [1, "ä"]}
    assert fast.status == "queued" and fast.attempts == 0 and fast.program_id is None
    # and a conflict on the key is no error, just nothing new
    assert services._insert_returning_new(messages([junior], tag="fast") + messages([senior], tag="fast")) == [
        Notification.objects.get(dedupe_key=f"fast:{senior.pk}").pk
    ]
