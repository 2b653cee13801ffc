"""Topics, programs and their curriculum."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from mentoring.models import User

from ..models import CurriculumItem, Program, Topic
from ..program_templates import TEMPLATES

PROGRAM_FIELDS = (
    "name", "goal", "format", "project_brief", "start_date", "length_months", "meeting_cadence", "min_meeting_minutes",
    "group_session_cadence", "group_session_minutes", "confidentiality_terms", "target_juniors", "target_seniors",
    "junior_max_level", "senior_min_level", "group_juniors_min", "group_juniors_max", "group_seniors_min",
    "group_seniors_max", "open_for_applications", "translations",
)  # fmt: skip
# Changing who may take part or how they meet is refused once people have applied on those terms.
STRUCTURAL_FIELDS = {"format", "junior_max_level", "senior_min_level", "length_months", "meeting_cadence", "min_meeting_minutes"}


def ensure_editable(program: Program) -> None:
    if program.is_read_only:
        raise ValidationError(_("This program is closed and read-only."))


# --- topics --------------------------------------------------------------------------------
def _check_topic_name(name: str, *, exclude_pk: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("A topic needs a name.")})
    clash = Topic.objects.annotate(lower=Lower("name")).filter(lower=name.lower())
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a topic called “%(name)s”.") % {"name": name}})
    return name


def _save_topic(topic: Topic) -> Topic:
    topic.full_clean(validate_constraints=False)  # the name: _check_topic_name, and the savepoint for a race
    try:
        with transaction.atomic():  # a savepoint: the same name saved twice at once is refused like one saved later
            topic.save()
    except IntegrityError:
        _check_topic_name(topic.name, exclude_pk=topic.pk)  # topic_name_unique_ci: raises the message if the name was taken
        raise
    return topic


def topic_create(*, name: str, category: str, description: str = "") -> Topic:
    return _save_topic(Topic(name=_check_topic_name(name), category=category, description=description))


def topic_update(*, topic: Topic, name: str, category: str, description: str, is_active: bool) -> Topic:
    topic.name = _check_topic_name(name, exclude_pk=topic.pk)
    topic.category = category
    topic.description = description
    topic.is_active = is_active
    return _save_topic(topic)


# --- programs ------------------------------------------------------------------------------
def translations_clean(value: object) -> dict[str, dict[str, str]]:
    """A program's name and goal in other languages: only offered languages other than the
    default, only a name (at most 150 characters) and a goal, empty entries dropped."""
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError({"translations": _("The translations must map a language to a name and a goal.")})
    offered = {code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE}
    cleaned: dict[str, dict[str, str]] = {}
    for code, entry in value.items():
        if code not in offered or not isinstance(entry, dict) or set(entry) - {"name", "goal"}:
            raise ValidationError({"translations": _("Unknown language or field in the translations: %(code)s.") % {"code": code}})
        name, goal = (" ".join(str(entry.get("name") or "").split()), str(entry.get("goal") or "").strip())
        if len(name) > 150:
            raise ValidationError({"translations": _("A translated name has at most 150 characters.")})
        kept = {key: text for key, text in (("name", name), ("goal", goal)) if text}
        if kept:
            cleaned[code] = kept
    return cleaned


def _validated(program: Program) -> Program:
    # Constraint checks come next, worded for people; the database enforces them too.
    program.translations = translations_clean(program.translations)
    program.full_clean(exclude=["created_by"], validate_constraints=False)
    if program.junior_max_level >= program.senior_min_level:
        raise ValidationError(
            {"senior_min_level": _("Senior mentees must start above the highest junior level, so juniors really are junior.")}
        )
    if program.group_juniors_min > program.group_juniors_max:
        raise ValidationError({"group_juniors_max": _("The most juniors per group cannot be below the fewest.")})
    if program.group_seniors_min > program.group_seniors_max:
        raise ValidationError({"group_seniors_max": _("The most seniors per group cannot be below the fewest.")})
    return program


@transaction.atomic
def program_create(*, created_by: User, data: Mapping, coordinators: Iterable[User] = (), template_key: str = "") -> Program:
    """Create a draft program; the creator coordinates it unless others are named."""
    program = Program(created_by=created_by, template_key=template_key, status=Program.Status.DRAFT)
    for name in PROGRAM_FIELDS:
        if name in data:
            setattr(program, name, data[name])
    _validated(program).save()
    program.coordinators.set(list(coordinators) or [created_by])
    from .lifecycle import record_transition

    record_transition(program=program, from_status="", to_status=Program.Status.DRAFT, by=created_by, reason=_("Program created"))
    return program


@transaction.atomic
def program_create_from_template(*, template_key: str, created_by: User, data: Mapping | None = None) -> Program:
    """A draft program with the template's settings and curriculum, overridden by `data`."""
    template = TEMPLATES.get(template_key)
    if template is None:
        raise ValidationError(_("There is no program template called “%(key)s”.") % {"key": template_key})
    values = {"name": str(template.name), "goal": str(template.goal), "project_brief": str(template.project_brief), **template.settings}
    values.update(data or {})
    program = program_create(
        created_by=created_by, data=values, template_key=template_key, coordinators=(data or {}).get("coordinators", ())
    )
    topics = {topic.name.lower(): topic for topic in Topic.objects.filter(is_active=True)}
    CurriculumItem.objects.bulk_create(
        [
            CurriculumItem(
                program=program,
                month=month.month,
                title=str(month.title),
                topic=topics.get(month.topic.lower()) if month.topic else None,
            )
            for month in template.curriculum
            if month.month <= program.length_months
        ]
    )
    return program


@transaction.atomic
def program_update(*, program: Program, data: Mapping, coordinators: Iterable[User] | None = None) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    ensure_editable(program)
    changed = {name for name in PROGRAM_FIELDS if name in data and getattr(program, name) != data[name]}
    if changed & STRUCTURAL_FIELDS and program.status not in {Program.Status.DRAFT, Program.Status.RECRUITING}:
        raise ValidationError(
            _("Format, eligibility, length and meeting rules can only change while the program is a draft or recruiting.")
        )
    if "start_date" in changed and program.status not in {Program.Status.DRAFT, Program.Status.RECRUITING, Program.Status.MATCHING}:
        # Months count from it: meetings, monthly topics, check-ins — and which month's pulse
        # average is final. Moving it later would re-open or close months at will.
        raise ValidationError(
            {"start_date": _("The start date is fixed once the program is running: its months, meetings and check-ins count from it.")}
        )
    for name in changed:
        setattr(program, name, data[name])
    _validated(program).save()
    if coordinators is not None:
        coordinators = list(coordinators)
        if not coordinators:
            raise ValidationError({"coordinators": _("A program needs at least one coordinator.")})
        program.coordinators.set(coordinators)
    # Months beyond a shortened program no longer exist.
    program.curriculum.filter(month__gt=program.length_months).delete()
    return program


@dataclass(frozen=True)
class MonthPlan:
    month: int
    title: str
    topic: Topic | None
    notes: str = ""


@transaction.atomic
def curriculum_set(*, program: Program, months: Iterable[MonthPlan]) -> list[CurriculumItem]:
    """Replace the curriculum: at most one item per month, within the program's length."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    ensure_editable(program)
    months = list(months)
    seen: set[int] = set()
    for plan in months:
        if not 1 <= plan.month <= program.length_months:
            raise ValidationError(
                _("Month %(month)s is outside this %(length)s-month program.") % {"month": plan.month, "length": program.length_months}
            )
        if plan.month in seen:
            raise ValidationError(_("Month %(month)s appears twice.") % {"month": plan.month})
        seen.add(plan.month)
        if not plan.title.strip():
            raise ValidationError(_("Month %(month)s needs a title.") % {"month": plan.month})
        if (
            plan.topic is not None
            and not plan.topic.is_active
            and not program.curriculum.filter(month=plan.month, topic=plan.topic).exists()
        ):
            raise ValidationError(_("“%(topic)s” is retired and cannot be added to a curriculum.") % {"topic": plan.topic})
    program.curriculum.all().delete()
    return CurriculumItem.objects.bulk_create(
        [
            CurriculumItem(program=program, month=p.month, title=p.title.strip(), topic=p.topic, notes=p.notes)
            for p in sorted(months, key=lambda p: p.month)
        ]
    )
