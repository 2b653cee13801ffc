"""Writes for programs; see the modules for topics/programs, the lifecycle and intake."""

from .intake import (
    ApplicationAnswers,
    InviteResult,
    application_decide,
    application_submit,
    application_update,
    application_withdraw,
    applications_decide_bulk,
    invitation_respond,
    invitations_send,
    may_apply,
)
from .lifecycle import allowed_transitions, program_transition, register_guard, register_on_enter, transition_refusals
from .programs import (
    MonthPlan,
    curriculum_set,
    ensure_editable,
    program_create,
    program_create_from_template,
    program_update,
    topic_create,
    topic_update,
)

__all__ = [
    "ApplicationAnswers",
    "InviteResult",
    "MonthPlan",
    "allowed_transitions",
    "application_decide",
    "application_submit",
    "application_update",
    "application_withdraw",
    "applications_decide_bulk",
    "curriculum_set",
    "ensure_editable",
    "invitation_respond",
    "invitations_send",
    "may_apply",
    "program_create",
    "program_create_from_template",
    "program_transition",
    "program_update",
    "register_guard",
    "register_on_enter",
    "topic_create",
    "topic_update",
    "transition_refusals",
]
