"""Survey results now show only once the survey is closed, and closing a program closes its
survey. Programs closed before that keep an open survey: close it, so their results show and
no late answer changes them."""

from django.db import migrations


def close_surveys_of_closed_programs(apps, schema_editor):
    Survey = apps.get_model("evaluation", "Survey")
    Survey.objects.filter(program__status="closed", status="open").update(status="closed")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("programs", "0001_initial"),
    ]

    operations = [migrations.RunPython(close_surveys_of_closed_programs, migrations.RunPython.noop)]
