"""What the database refuses about programs (beyond tests/programs/test_catalog_and_programs.py)."""

import pytest
from django.db import IntegrityError, transaction

from programs.models import Program
from programs.services import program_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("minutes", "allowed"), [(29, False), (30, True), (480, True), (481, False)])
def test_group_sessions_last_as_long_as_a_meeting_may(hr, minutes, allowed):
    """Group sessions become meetings, which the database holds to 30–480 minutes: refuse the
    program's setting at its source, not when its meetings are planned."""
    program = program_create(created_by=hr, data={"name": "P", "goal": "G"})
    if allowed:
        Program.objects.filter(pk=program.pk).update(group_session_minutes=minutes)
        assert Program.objects.get(pk=program.pk).group_session_minutes == minutes
    else:
        with pytest.raises(IntegrityError, match="program_group_session_length"), transaction.atomic():
            Program.objects.filter(pk=program.pk).update(group_session_minutes=minutes)
