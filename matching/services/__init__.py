"""Matching runs, HR's review (pin, forbid, manual, approve) and the members' answers."""

from . import groups, peer  # noqa: F401  (register the group and peer exchange formats)
from .common import RUNNABLE, config_for, config_update, refusal_reasons
from .review import (
    match_create_manual,
    match_discard,
    match_end,
    match_pause,
    match_respond,
    matches_approve,
    pair_rule_remove,
    pair_rule_set,
    register_on_confirmed,
)
from .runs import matching_run

__all__ = [
    "RUNNABLE",
    "config_for",
    "config_update",
    "match_create_manual",
    "match_discard",
    "match_end",
    "match_pause",
    "match_respond",
    "matches_approve",
    "matching_run",
    "pair_rule_remove",
    "pair_rule_set",
    "refusal_reasons",
    "register_on_confirmed",
]
