"""Ready-made programs: the domain source's tech-company example and its three variations.

Pure data. `programs.services.program_create_from_template` turns one into an editable
draft; nothing here is linked to the program afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class CurriculumMonth:
    month: int
    title: StrOrPromise
    topic: str | None  # a catalog topic name; None for a retrospective month


@dataclass(frozen=True)
class ProgramTemplate:
    key: str
    name: StrOrPromise
    summary: StrOrPromise
    goal: StrOrPromise
    settings: dict[str, Any] = field(default_factory=dict)
    curriculum: tuple[CurriculumMonth, ...] = ()
    project_brief: StrOrPromise = ""


TEMPLATES: dict[str, ProgramTemplate] = {
    template.key: template
    for template in [
        ProgramTemplate(
            key="tech",
            name=_("Engineering leadership learns from juniors"),
            summary=_("The classic: 4 senior leaders + 4 junior engineers, 6 months, monthly 1:1 sessions, quarterly group sessions."),
            goal=_(
                "Engineering leadership learns from junior engineers: developer experience, new tools, team culture and "
                "onboarding as juniors see them. Output: concrete improvement suggestions, better understanding and new "
                "relationships across levels."
            ),
            settings={
                "format": "one_to_one",
                "length_months": 6,
                "meeting_cadence": "monthly",
                "group_session_cadence": "quarterly",
                "min_meeting_minutes": 60,
                "target_juniors": 4,
                "target_seniors": 4,
                "junior_max_level": 30,
                "senior_min_level": 50,
            },
            curriculum=(
                CurriculumMonth(1, _("Developer experience"), "Developer experience"),
                CurriculumMonth(2, _("New tools and technologies"), "New frameworks and tools"),
                CurriculumMonth(3, _("Team culture from the junior perspective"), "Team culture from the junior perspective"),
                CurriculumMonth(4, _("Onboarding feedback"), "Onboarding experience"),
                CurriculumMonth(5, _("Career expectations"), "Career expectations"),
                CurriculumMonth(6, _("Retrospective and recommendations"), None),
            ),
        ),
        ProgramTemplate(
            key="group",
            name=_("Group reverse mentoring circles"),
            summary=_("Scales the idea: circles of 3–4 juniors and 1–2 seniors in a discussion format, less pressure on any one junior."),
            goal=_(
                "Senior leaders hear several junior perspectives at once on how work, tools and culture are changing. "
                "Circles give juniors company and seniors more diverse insights."
            ),
            settings={
                "format": "group",
                "length_months": 6,
                "meeting_cadence": "monthly",
                "group_session_cadence": "quarterly",
                "min_meeting_minutes": 60,
                "target_juniors": 12,
                "target_seniors": 4,
                "group_juniors_min": 3,
                "group_juniors_max": 4,
                "group_seniors_min": 1,
                "group_seniors_max": 2,
            },
            curriculum=(
                CurriculumMonth(1, _("Getting to know each other: generations at work"), "Understanding generational differences"),
                CurriculumMonth(2, _("Communication tools and async work"), "Asynchronous collaboration"),
                CurriculumMonth(3, _("AI and automation in our daily work"), "AI and automation"),
                CurriculumMonth(4, _("What young talent looks for"), "What young talent looks for in jobs"),
                CurriculumMonth(5, _("Inclusive language and bias"), "Inclusive language"),
                CurriculumMonth(6, _("Retrospective and recommendations"), None),
            ),
        ),
        ProgramTemplate(
            key="peer",
            name=_("Cross-generational peer exchange"),
            summary=_(
                "Mutual learning in the same pair: the junior teaches new tools and culture, the senior shares context and experience, alternating who leads."
            ),
            goal=_(
                "Both sides teach and both learn, at eye level: juniors bring current tools and perspectives, seniors bring "
                "context, experience and how the organisation really works."
            ),
            settings={
                "format": "peer_exchange",
                "length_months": 6,
                "meeting_cadence": "biweekly",
                "group_session_cadence": "none",
                "min_meeting_minutes": 45,
                "target_juniors": 6,
                "target_seniors": 6,
                "senior_min_level": 40,
            },
            curriculum=(
                CurriculumMonth(1, _("Expectations and how we learn"), "Modern leadership expectations"),
                CurriculumMonth(2, _("Remote and hybrid work"), "Remote work best practices"),
                CurriculumMonth(3, _("Feedback in both directions"), "Feedback culture from the junior perspective"),
                CurriculumMonth(4, _("Tools we each rely on"), "Modern toolchains"),
                CurriculumMonth(5, _("Meaning and purpose at work"), "Meaning and purpose at work"),
                CurriculumMonth(6, _("Retrospective and recommendations"), None),
            ),
        ),
        ProgramTemplate(
            key="project",
            name=_("Project-based reverse mentoring"),
            summary=_(
                "Instead of general meetings, each pair runs a joint project, e.g. the junior helps the senior evaluate an AI tool for their workflow."
            ),
            goal=_("Hands-on learning with a concrete result: each pair delivers a small project the senior's team can use."),
            project_brief=_(
                "Each pair picks one real workflow of the senior's team and evaluates a modern tool for it (for example an AI "
                "assistant). Deliverable: a short written recommendation with a working trial set-up."
            ),
            settings={
                "format": "project",
                "length_months": 4,
                "meeting_cadence": "biweekly",
                "group_session_cadence": "none",
                "min_meeting_minutes": 60,
                "target_juniors": 4,
                "target_seniors": 4,
            },
            curriculum=(
                CurriculumMonth(1, _("Pick the workflow and the tool"), "AI and automation"),
                CurriculumMonth(2, _("Hands-on trial"), "Modern development practices"),
                CurriculumMonth(3, _("What it means for the team"), "Team culture from the junior perspective"),
                CurriculumMonth(4, _("Present the result and recommendations"), None),
            ),
        ),
    ]
}
