"""The outbox moved from the mentoring app to this one in place: its rows, its content types
and the permissions on them survive the migration, on SQLite and on PostgreSQL."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("mentoring", "0004_drop_passwords_stored_before_verification"), ("notifications", None)]
AFTER = [("mentoring", "0005_outbox_moves_to_notifications"), ("notifications", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_outbox_rows_and_content_types_survive_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([BEFORE[0], ("contenttypes", "0002_remove_content_type_name")]).apps
    user = old.get_model("mentoring", "User").objects.create(email="kept@example.com", first_name="K", last_name="Ept", password="!")
    row = old.get_model("mentoring", "Notification").objects.create(
        recipient=user, kind="phase_change", dedupe_key="kept-1", context={"program_id": 1}
    )
    old.get_model("mentoring", "EmailPreference").objects.create(user=user, disabled_kinds=["meeting_reminder"])
    ContentType = old.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label="mentoring", model="notification")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    moved = new.get_model("notifications", "Notification").objects.get(pk=row.pk)
    assert (moved.kind, moved.dedupe_key, moved.recipient_id, moved.context) == ("phase_change", "kept-1", user.pk, {"program_id": 1})
    assert new.get_model("notifications", "EmailPreference").objects.get(user_id=user.pk).disabled_kinds == ["meeting_reminder"]
    assert ContentType.objects.filter(app_label="notifications", model="notification").exists()
    assert not ContentType.objects.filter(app_label="mentoring", model="notification").exists()

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # back to the latest state for the other tests
