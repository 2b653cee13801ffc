"""Before the database refuses a pair rule whose junior and senior are one person (0004).

The service never checked it for "forbid" rules, so HR could save one; it changed nothing (the
engine never pairs anyone with themselves) and goes without a trace."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    apps.get_model("matching", "PairRule").objects.filter(junior=F("senior")).delete()


class Migration(migrations.Migration):
    dependencies = [("matching", "0002_alter_match_status")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
