"""Topic catalog, program creation (blank and from templates), settings guards, curriculum."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programs.models import CurriculumItem, Program, Topic, TopicCategory
from programs.program_templates import TEMPLATES
from programs.selectors import category_mix
from programs.services import (
    MonthPlan,
    curriculum_set,
    program_create,
    program_create_from_template,
    program_transition,
    program_update,
    topic_create,
    topic_update,
)
from tests.programs.factories import tech_program, topic

pytestmark = pytest.mark.django_db

SOURCE_TOPICS = {
    TopicCategory.TECHNOLOGY: [
        "New frameworks and tools",
        "Social media platforms",
        "Mobile-first thinking",
        "AI and automation",
        "Developer experience",
        "Modern development practices",
    ],
    TopicCategory.WORK_WORLD: [
        "Remote work best practices",
        "Work-life balance expectations",
        "Communication tools",
        "Asynchronous collaboration",
        "Feedback culture from the junior perspective",
        "What young talent looks for in jobs",
    ],
    TopicCategory.CULTURE: [
        "Inclusive language",
        "Unconscious bias",
        "Understanding generational differences",
        "Modern leadership expectations",
        "Meaning and purpose at work",
    ],
}


def test_catalog_is_preloaded_with_every_topic_of_the_source():
    for category, names in SOURCE_TOPICS.items():
        for name in names:
            assert Topic.objects.get(name=name).category == category


def test_hr_adds_renames_and_retires_topics():
    created = topic_create(name="  Prompt   engineering ", category=TopicCategory.TECHNOLOGY)
    assert created.name == "Prompt engineering" and created.is_active
    topic_update(topic=created, name="Prompting AI assistants", category=TopicCategory.TECHNOLOGY, description="", is_active=False)
    created.refresh_from_db()
    assert created.name == "Prompting AI assistants" and not created.is_active


def test_duplicate_or_empty_topic_names_are_refused():
    with pytest.raises(ValidationError, match="already a topic"):
        topic_create(name="ai AND automation", category=TopicCategory.TECHNOLOGY)
    with pytest.raises(ValidationError, match="needs a name"):
        topic_create(name="   ", category=TopicCategory.CULTURE)
    other = topic("Inclusive language")
    with pytest.raises(ValidationError, match="already a topic"):
        topic_update(topic=other, name="Unconscious bias", category=other.category, description="", is_active=True)


def test_tech_template_is_the_source_example(hr):
    program = program_create_from_template(template_key="tech", created_by=hr)
    assert (program.status, program.format, program.length_months) == (Program.Status.DRAFT, Program.Format.ONE_TO_ONE, 6)
    assert (program.meeting_cadence, program.group_session_cadence) == (Program.Cadence.MONTHLY, Program.GroupCadence.QUARTERLY)
    assert (program.target_juniors, program.target_seniors) == (4, 4)
    titles = list(program.curriculum.order_by("month").values_list("month", "title"))
    assert titles == [
        (1, "Developer experience"),
        (2, "New tools and technologies"),
        (3, "Team culture from the junior perspective"),
        (4, "Onboarding feedback"),
        (5, "Career expectations"),
        (6, "Retrospective and recommendations"),
    ]
    assert program.curriculum.get(month=6).topic is None
    assert list(program.coordinators.all()) == [hr]
    assert program.transitions.get().to_status == Program.Status.DRAFT


@pytest.mark.parametrize("key", ["group", "peer", "project"])
def test_variation_templates_create_complete_editable_programs(hr, key):
    program = program_create_from_template(template_key=key, created_by=hr, data={"name": f"Our {key} program"})
    assert program.name == f"Our {key} program"
    assert program.format == TEMPLATES[key].settings["format"]
    assert program.curriculum.count() == program.length_months
    if key == "project":
        assert program.project_brief
    program_update(program=program, data={"goal": "Changed goal"})
    program.refresh_from_db()
    assert program.goal == "Changed goal"


def test_unknown_template_is_refused(hr):
    with pytest.raises(ValidationError, match="no program template"):
        program_create_from_template(template_key="nope", created_by=hr)


def test_defaults_follow_the_source(hr):
    program = program_create(created_by=hr, data={"name": "Blank", "goal": "Learn"})
    assert (program.length_months, program.meeting_cadence, program.group_session_cadence, program.min_meeting_minutes) == (
        6,
        "monthly",
        "quarterly",
        45,
    )
    assert program.time_commitment_minutes == 6 * 45 + 2 * 90


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"min_meeting_minutes": 20}, "min_meeting_minutes", "greater than or equal to 30"),
        ({"junior_max_level": 50, "senior_min_level": 50}, "senior_min_level", "start above the highest junior level"),
        ({"group_juniors_min": 5, "group_juniors_max": 4}, "group_juniors_max", "most juniors per group cannot be below the fewest"),
        ({"group_seniors_min": 3, "group_seniors_max": 2}, "group_seniors_max", "most seniors per group cannot be below the fewest"),
        ({"length_months": 0}, "length_months", "greater than or equal to 1"),
        ({"name": ""}, "name", "cannot be blank"),
    ],
)
def test_bad_program_settings_are_refused_and_nothing_is_saved(hr, data, field, message):
    with pytest.raises(ValidationError, match=message) as excinfo:
        program_create(created_by=hr, data={"name": "P", "goal": "G", **data})
    assert any(message in text for text in excinfo.value.message_dict[field])
    assert not Program.objects.exists()


def test_database_refuses_meetings_under_30_minutes(hr):
    program = program_create(created_by=hr, data={"name": "P", "goal": "G"})
    with pytest.raises(IntegrityError, match="program_min_meeting_30"), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(min_meeting_minutes=29)


def test_structure_is_frozen_once_matching_starts(hr):
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    program_update(program=program, data={"min_meeting_minutes": 50})  # still recruiting: fine
    Program.objects.filter(pk=program.pk).update(status=Program.Status.MATCHING)
    with pytest.raises(ValidationError, match="only change while"):
        program_update(program=program, data={"format": Program.Format.GROUP})
    program_update(program=program, data={"name": "Renamed while matching"})


@pytest.mark.parametrize("status", [Program.Status.ACTIVE, Program.Status.EVALUATING])
def test_start_date_is_fixed_once_the_program_runs(hr, status):
    """Months count from it; moving it would re-open or close a month's pulse average at will
    (and let HR subtract one check-in from another)."""
    program = tech_program(hr=hr, status=Program.Status.RECRUITING)
    start = program.start_date
    program_update(program=program, data={"start_date": start - datetime.timedelta(days=7)})  # still recruiting: fine
    Program.objects.filter(pk=program.pk).update(status=status)
    with pytest.raises(ValidationError, match="start date is fixed"):
        program_update(program=program, data={"start_date": start - datetime.timedelta(days=38)})
    program.refresh_from_db()
    assert program.start_date == start - datetime.timedelta(days=7)
    program_update(program=program, data={"name": "Renamed while running", "start_date": program.start_date})  # unchanged date: fine


def test_closed_program_is_read_only(hr):
    program = tech_program(hr=hr)
    program_transition(program=program, to_status=Program.Status.CLOSED, by=hr, reason="Budget cut")
    with pytest.raises(ValidationError, match="read-only"):
        program_update(program=program, data={"name": "x"})
    with pytest.raises(ValidationError, match="read-only"):
        curriculum_set(program=program, months=[])


def test_shortening_a_program_drops_months_beyond_its_end(hr):
    program = tech_program(hr=hr)
    program_update(program=program, data={"length_months": 4})
    assert sorted(program.curriculum.values_list("month", flat=True)) == [1, 2, 3, 4]


def test_curriculum_set_replaces_months_and_checks_them(hr):
    program = tech_program(hr=hr)
    ai = topic("AI and automation")
    curriculum_set(program=program, months=[MonthPlan(1, "AI at work", ai), MonthPlan(2, "Retro", None)])
    assert list(program.curriculum.values_list("month", "title")) == [(1, "AI at work"), (2, "Retro")]
    with pytest.raises(ValidationError, match="outside"):
        curriculum_set(program=program, months=[MonthPlan(7, "Too late", ai)])
    with pytest.raises(ValidationError, match="twice"):
        curriculum_set(program=program, months=[MonthPlan(1, "A", ai), MonthPlan(1, "B", ai)])
    with pytest.raises(ValidationError, match="needs a title"):
        curriculum_set(program=program, months=[MonthPlan(1, "  ", ai)])
    retired = topic_create(name="Fax machines", category=TopicCategory.TECHNOLOGY)
    topic_update(topic=retired, name=retired.name, category=retired.category, description="", is_active=False)
    with pytest.raises(ValidationError, match="retired"):
        curriculum_set(program=program, months=[MonthPlan(1, "Old", retired)])
    assert CurriculumItem.objects.filter(program=program).count() == 2  # refused calls changed nothing


def test_topic_balance_warns_about_technology_only(hr):
    program = tech_program(hr=hr)
    tech = [topic("AI and automation"), topic("Developer experience"), topic("Modern toolchains")]
    curriculum_set(program=program, months=[MonthPlan(i + 1, t.name, t) for i, t in enumerate(tech)])
    mix = category_mix(curriculum=list(program.curriculum.select_related("topic")))
    assert mix.counts == {"technology": 3}
    assert len(mix.warnings) == 1 and "technology only" in mix.warnings[0]


def test_topic_balance_names_the_missing_category(hr):
    program = tech_program(hr=hr)
    curriculum_set(
        program=program,
        months=[MonthPlan(1, "AI", topic("AI and automation")), MonthPlan(2, "Remote", topic("Remote work best practices"))],
    )
    mix = category_mix(curriculum=list(program.curriculum.select_related("topic")))
    assert [w for w in mix.warnings if "culture" in w.lower()] and not [w for w in mix.warnings if "work-world" in w]


def test_tech_template_is_balanced(hr):
    program = tech_program(hr=hr)
    mix = category_mix(curriculum=list(program.curriculum.select_related("topic")))
    assert mix.counts == {"technology": 2, "culture": 1, "work_world": 2} and mix.warnings == []


def test_end_date_and_eligibility(hr):
    program = tech_program(hr=hr, start_date=datetime.date(2027, 1, 1))
    assert program.end_date == datetime.date(2027, 6, 30)
    assert program.role_for_level(20) == "junior" and program.role_for_level(30) == "junior"
    assert program.role_for_level(40) is None
    assert program.role_for_level(50) == "senior" and program.role_for_level(70) == "senior"
