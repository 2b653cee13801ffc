"""Meeting times are now bounded to a window around the program (sessions.services). Rows
stored before that at the very ends of the calendar (year 1 or 9999) cannot be converted to
a time zone: their meeting page, pair page, feed and mails broke for good. Such a meeting
goes back to "to be scheduled" so the pair can offer a real time; offers at such times go."""

import datetime

from django.db import migrations
from django.db.models import F, Q

# Within two days (plus the longest meeting) of the ends of the calendar: the widest time
# zone offsets reach past them.
TOO_EARLY = datetime.datetime(1, 1, 3, tzinfo=datetime.UTC)
TOO_LATE = datetime.datetime(9999, 12, 29, tzinfo=datetime.UTC)


def unrepresentable(field: str) -> Q:
    return Q(**{f"{field}__lt": TOO_EARLY}) | Q(**{f"{field}__gt": TOO_LATE})


def forwards(apps, schema_editor):
    Meeting = apps.get_model("mentoring_sessions", "Meeting")
    TimeOption = apps.get_model("mentoring_sessions", "TimeOption")
    TimeOption.objects.filter(unrepresentable("starts_at")).delete()
    broken = Meeting.objects.filter(unrepresentable("starts_at"))
    broken.filter(status="scheduled").update(status="proposed", starts_at=None, sequence=F("sequence") + 1)
    broken.update(starts_at=None)  # cancelled ones keep their status, without the impossible time


class Migration(migrations.Migration):
    dependencies = [("mentoring_sessions", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
