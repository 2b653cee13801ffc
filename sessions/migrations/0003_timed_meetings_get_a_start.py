"""Before the database refuses a scheduled, held or missed meeting without a start (0004).

One path left such rows: 0002 took away times no calendar can hold, also from meetings already
logged as held or missed. Those keep their status (the pair said whether they met) and get a
start from their first log, written after the meeting: the latest it can have started. A
scheduled one without a time (none come from the services) goes back to "to be scheduled", as
0002 did with its own."""

import datetime

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Meeting = apps.get_model("mentoring_sessions", "Meeting")
    SessionLog = apps.get_model("mentoring_sessions", "SessionLog")
    Meeting.objects.filter(status="scheduled", starts_at=None).update(status="proposed", sequence=F("sequence") + 1)
    for meeting in Meeting.objects.filter(status__in=["held", "missed"], starts_at=None):
        logged = SessionLog.objects.filter(meeting=meeting).order_by("created_at").values_list("created_at", flat=True).first()
        meeting.starts_at = (logged or meeting.created_at) - datetime.timedelta(minutes=meeting.duration_minutes)
        meeting.save(update_fields=["starts_at"])


class Migration(migrations.Migration):
    dependencies = [("mentoring_sessions", "0002_unschedule_unrepresentable_meetings")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
