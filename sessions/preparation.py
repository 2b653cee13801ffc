"""The preparation checklists of the source's "Practical tips": one per side, shown on each
meeting's page and with the next meeting on the portal home."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

JUNIOR_PREP = [
    _("Prepare the topic for the session"),
    _("Have concrete examples ready — show, don't just tell"),
    _("Don't over-prepare: stay authentic"),
    _("Make it practical: a tool to try, a screen to look at together"),
]
SENIOR_PREP = [
    _("Bring openness"),
    _("Think of concrete questions or topics"),
    _("Leave the ego at the door"),
    _("Take notes"),
]
IN_SESSION = [
    _("Eye level: the junior is the expert in this session, whatever the titles."),
    _("Dialogue, not lecture: the senior shares context and experience too."),
    _("Ask follow-up questions; don't get defensive."),
]


def prep_for(role: str | None) -> list:
    """The checklist for `role` ("junior" or "senior"); none outside a pair."""
    if role is None:
        return []
    return JUNIOR_PREP if role == "junior" else SENIOR_PREP
