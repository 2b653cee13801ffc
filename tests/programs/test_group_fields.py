"""Issue 14, item 8: a one-to-one program's form does not ask for group sizes as required."""

import re

from django.urls import reverse

from programs.models import Program
from tests.programs.factories import tech_program


def _data(program, **changes):
    fields = [
        "name", "goal", "format", "project_brief", "start_date", "length_months", "meeting_cadence", "min_meeting_minutes",
        "group_session_cadence", "group_session_minutes", "target_juniors", "target_seniors", "junior_max_level",
        "senior_min_level", "confidentiality_terms",
    ]  # fmt: skip
    data = {name: getattr(program, name) for name in fields}
    data["start_date"] = program.start_date.isoformat() if program.start_date else ""
    data["project_brief"] = data["project_brief"] or ""
    data["coordinators"] = [user.pk for user in program.coordinators.all()]
    data["open_for_applications"] = "on"
    return {**data, **changes}


def test_group_sizes_are_optional_and_kept_on_a_one_to_one_program(hr_client, hr):
    program = tech_program(hr=hr)
    assert program.format == Program.Format.ONE_TO_ONE
    page = hr_client.get(reverse("programs:edit", args=[program.pk])).content.decode()
    assert "Group sizes (group format only)" in page
    assert 'data-only-for-format="group"' in page
    assert 'name="group_juniors_min"' in page
    group_input = re.search(r'<input[^>]*name="group_juniors_min"[^>]*>', page)
    assert group_input is not None and "required" not in group_input.group(0)
    response = hr_client.post(reverse("programs:edit", args=[program.pk]), _data(program, goal="Learn the tools"))
    assert response.status_code == 302, response.content.decode()[:3000]
    program.refresh_from_db()
    assert program.goal == "Learn the tools"
    assert (program.group_juniors_min, program.group_juniors_max) == (3, 4)


def test_a_group_program_needs_its_group_sizes(hr_client, hr):
    program = tech_program(hr=hr)
    response = hr_client.post(reverse("programs:edit", args=[program.pk]), _data(program, format="group"))
    assert response.status_code == 200
    assert "The group format needs this group size." in response.content.decode()
