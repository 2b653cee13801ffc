# The default cache lives in the database (see CACHES in settings): allauth's rate limits,
# used TOTP codes and SSO token replay checks keep working while Redis is down. The table is
# made here, not by a separate `createcachetable` step, so `migrate` is all a deployment runs.

from django.core.management import call_command
from django.db import migrations

TABLE = "mentoring_cache"  # CACHES["default"]["LOCATION"]


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0005_outbox_moves_to_notifications"),
    ]

    operations = [
        migrations.RunPython(create_cache_table, drop_cache_table, elidable=False),
    ]
