"""Sign-up used to store the password on the entry at once, before the address was verified,
so an unverified entry may hold a password chosen by someone who does not own the mailbox
(security review, issue 10). Drop those passwords: entries that have been through a sign-up
(an e-mail address row), have no verified address and never signed in. Their owners choose
a password when they confirm the address, or with "Forgot your password?".
"""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import migrations


def drop_passwords_stored_before_verification(apps, schema_editor):
    User = apps.get_model("mentoring", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    verified = EmailAddress.objects.filter(verified=True).values("user_id")
    unverified = EmailAddress.objects.filter(verified=False).values("user_id")
    (
        User.objects.filter(pk__in=unverified, last_login__isnull=True)
        .exclude(pk__in=verified)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .update(password=make_password(None))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0003_alter_notification_kind"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [
        migrations.RunPython(drop_passwords_stored_before_verification, migrations.RunPython.noop),
    ]
