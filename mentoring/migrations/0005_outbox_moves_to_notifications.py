# The outbox (Notification, EmailPreference) moves to the notifications app. The tables
# stay where they are (mentoring_notification, mentoring_emailpreference) with their rows:
# only Django's idea of which app owns them changes.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("mentoring", "0004_drop_passwords_stored_before_verification"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="notification", name="program"),
                migrations.RemoveField(model_name="notification", name="recipient"),
                migrations.DeleteModel(name="EmailPreference"),
                migrations.DeleteModel(name="Notification"),
            ],
            database_operations=[],
        ),
    ]
