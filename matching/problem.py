"""From the database to the engine's arrays, in a fixed number of queries.

`load_problem` reads the accepted applications of a program (minus people already held by
a match), the directory facts, the reporting tree, HR's pair rules, private "rather not"
lists and earlier declined or ended pairs, and returns everything the engine and the
explanations need. No query runs per person or per pair, and no model instance is built
per person or per topic: every read is a `values_list` of the columns the arrays need.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from mentoring.selectors import reporting_tree
from programs.models import TIME_SLOTS, WEEKDAYS, Application, ApplicationTopic, Generation, Program, Role, Topic

from .models import Match, MatchingConfig, MatchMember, PairRule
from .scoring import MODES, Constraints, Labels, Side, constraints, explain_pairs, peer_constraints, score_matrix


@dataclass
class Problem:
    program: Program
    config: MatchingConfig
    juniors: Side
    seniors: Side
    labels: Labels
    scores: np.ndarray
    limits: Constraints
    # Peer exchange: `juniors` and `seniors` are one pool (the same Side), scores and limits
    # are pool × pool and symmetric. Per person: the stated generation (index into
    # GENERATIONS, -1: not stated) and the application's role (a tie-break of orientation).
    generations: np.ndarray | None = None
    roles: list[str] | None = None

    @property
    def peer_exchange(self) -> bool:
        return self.program.format == Program.Format.PEER_EXCHANGE

    def orient(self, a: int, b: int) -> tuple[int, int]:
        """(junior row, senior row) of a pair. In peer exchange both teach; the one of the lower
        level is stored as the junior (ties: the application's role, then the user id), so the
        pages and the meeting plan, which alternates who leads, treat the pair as any other."""
        if not self.peer_exchange:
            return a, b
        pool, roles = self.juniors, self.roles or []

        def key(row: int) -> tuple[int, int, int]:
            role = roles[row] if row < len(roles) else Role.JUNIOR
            return int(pool.levels[row]), 0 if role == Role.JUNIOR else 1, int(pool.ids[row])

        return (a, b) if key(a) <= key(b) else (b, a)

    def explain_pairs(self, rows: Sequence[int], cols: Sequence[int]) -> list[dict]:
        """The explanations of the pairs (rows[k], cols[k])."""
        return explain_pairs(rows, cols, self.juniors, self.seniors, self.labels, peer_exchange=self.peer_exchange)

    def digest(self) -> str:
        payload = hashlib.sha256()
        # The arrays' own bytes (C order, as tobytes() would copy them).
        for array in (self.juniors.ids, self.seniors.ids, np.round(self.scores, 6), self.limits.allowed):
            payload.update(np.ascontiguousarray(array).data)
        settings = [self.config.weights, self.config.objective, self.config.min_level_gap]
        if self.peer_exchange:
            settings.append(self.config.peer_partners)
        payload.update(json.dumps(settings, sort_keys=True).encode())
        return payload.hexdigest()


# A time slot inside a reason ("both prefer Tuesday mornings"): the weekday and the part of the
# day, translated when the reason is shown (matching.reasons).
SLOT_PHRASES = {
    "morning": gettext_noop("%(day)s mornings"),
    "midday": gettext_noop("%(day)s middays"),
    "afternoon": gettext_noop("%(day)s afternoons"),
}


def slot_labels() -> list[dict[str, Any]]:
    with translation.override(None):  # the English names are the catalog's msgids
        days = {code: str(label) for code, label in WEEKDAYS}
    labels = []
    for slot in TIME_SLOTS:
        day, _sep, part = slot.partition("_")
        labels.append({"msg": SLOT_PHRASES[part], "day": {"t": days[day], "name": True}})
    return labels


def _utc_offset_hours(name: str, when: datetime.datetime, cache: dict[str, float]) -> float:
    if name not in cache:
        try:
            offset = when.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offset = datetime.timedelta(0)
        cache[name] = offset.total_seconds() / 3600 if offset is not None else 0.0
    return cache[name]


# The columns `_side` reads, one row per application.
_COLUMNS = (
    "pk",
    "user_id",
    "role",
    "meeting_mode",
    "preferred_times",
    "languages",
    "style_directness",
    "style_structure",
    "style_pace",
    "user__first_name",
    "user__last_name",
    "user__email",
    "user__level",
    "user__department_id",
    "user__department__name",
    "user__timezone",
    "generation",
)

GENERATIONS = list(Generation.values)


def _full_name(first: str, last: str, email: str) -> str:
    return f"{first} {last}".strip() or email  # as User.get_full_name


def _side(rows: list[tuple[Any, ...]], n_topics: int, language_index: dict[str, int], when: datetime.datetime) -> Side:
    n = len(rows)
    slot_index = {slot: i for i, slot in enumerate(TIME_SLOTS)}
    tz_cache: dict[str, float] = {}
    columns = dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(_COLUMNS, ())
    names = zip(columns["user__first_name"], columns["user__last_name"], columns["user__email"], strict=True)
    side = Side(
        ids=np.array(columns["user_id"], dtype=np.int64),
        names=[_full_name(*name) for name in names],
        levels=np.array(columns["user__level"], dtype=np.int64),
        departments=np.array([d if d is not None else -1 for d in columns["user__department_id"]], dtype=np.int64),
        department_names=[name or "" for name in columns["user__department__name"]],
        tz_offsets=np.array([_utc_offset_hours(zone, when, tz_cache) for zone in columns["user__timezone"]], dtype=np.float64),
        modes=np.array([MODES.index(mode) if mode in MODES else 2 for mode in columns["meeting_mode"]], dtype=np.int64),
        slots=np.zeros((n, len(TIME_SLOTS)), dtype=bool),
        languages=np.zeros((n, len(language_index)), dtype=bool),
        styles=np.array([columns["style_directness"], columns["style_structure"], columns["style_pace"]], dtype=np.float64).T.reshape(n, 3),
        expertise=np.zeros((n, n_topics)),
        interest=np.zeros((n, n_topics)),
    )
    for row, (wanted_times, spoken) in enumerate(zip(columns["preferred_times"], columns["languages"], strict=True)):
        for slot in wanted_times:
            if slot in slot_index:
                side.slots[row, slot_index[slot]] = True
        for code in spoken:
            if code in language_index:
                side.languages[row, language_index[code]] = True
    return side


def held_user_ids(program: Program) -> set[int]:
    """People already in a proposed, offered or confirmed match of this program."""
    return set(MatchMember.objects.filter(match__program=program, match__status__in=Match.HOLDING).values_list("user_id", flat=True))


def load_problem(
    program: Program, *, config: MatchingConfig, exclude_user_ids: Iterable[int] = (), only_user_ids: Iterable[int] | None = None
) -> Problem:
    applications: QuerySet[Application] = program.applications.filter(status=Application.Status.ACCEPTED).exclude(
        user_id__in=set(exclude_user_ids)
    )
    if only_user_ids is not None:
        applications = applications.filter(user_id__in=set(only_user_ids))
    rows = list(applications.order_by("user_id").values_list(*_COLUMNS))
    peer = program.format == Program.Format.PEER_EXCHANGE
    # Peer exchange has one pool: everyone accepted, whatever role their application states.
    junior_rows = rows if peer else [row for row in rows if row[2] == Role.JUNIOR]
    senior_rows = rows if peer else [row for row in rows if row[2] == Role.SENIOR]

    topics = list(Topic.objects.order_by("pk").values_list("pk", "name"))
    topic_index = {pk: i for i, (pk, _name) in enumerate(topics)}
    languages = list(settings.LANGUAGES)
    language_index = {code: i for i, (code, _label) in enumerate(languages)}
    start = program.start_date or timezone.localdate()
    when = datetime.datetime.combine(start, datetime.time(12), tzinfo=datetime.UTC)
    juniors = _side(junior_rows, len(topics), language_index, when)
    seniors = juniors if peer else _side(senior_rows, len(topics), language_index, when)
    with translation.override(None):  # the English names are the catalog's msgids
        language_names = [{"t": str(label), "name": True} for _code, label in languages]
    labels = Labels(topics=[name for _pk, name in topics], slots=slot_labels(), languages=language_names)

    # Each application's place: (side, row). Topics and "rather not" lists come by application.
    place = {row[0]: (juniors, i) for i, row in enumerate(junior_rows)} | {row[0]: (seniors, i) for i, row in enumerate(senior_rows)}
    chosen = applications.values("pk")
    for application_id, topic_id, kind, strength in (
        ApplicationTopic.objects.filter(application__in=chosen).order_by().values_list("application_id", "topic_id", "kind", "strength")
    ):
        side, row = place[application_id]
        column = topic_index.get(topic_id)
        if column is not None:
            (side.expertise if kind == ApplicationTopic.Kind.EXPERTISE else side.interest)[row, column] = strength

    if peer:
        return _peer_problem(program, config, rows, juniors, labels, chosen)

    junior_at = {int(uid): i for i, uid in enumerate(juniors.ids)}
    senior_at = {int(uid): i for i, uid in enumerate(seniors.ids)}
    tree = reporting_tree()
    chain_pairs = []
    for uid, j in junior_at.items():
        chain_pairs += [(j, senior_at[a]) for a in tree.ancestors(uid) if a in senior_at]
    for uid, s in senior_at.items():
        chain_pairs += [(junior_at[a], s) for a in tree.ancestors(uid) if a in junior_at]

    excluded = []
    for junior_id, senior_id in PairRule.objects.filter(program=program, kind=PairRule.Kind.FORBID).values_list("junior_id", "senior_id"):
        if junior_id in junior_at and senior_id in senior_at:
            excluded.append((junior_at[junior_id], senior_at[senior_id]))
    private = []  # "rather not" lists, both directions: kept apart, HR must not learn of them
    avoided = Application.avoid_people.through.objects.filter(application__in=chosen).order_by()
    for application_id, user_id in avoided.values_list("application_id", "user_id"):
        side, row = place[application_id]
        if side is juniors and user_id in senior_at:
            private.append((row, senior_at[user_id]))
        elif side is seniors and user_id in junior_at:
            private.append((junior_at[user_id], row))
    failed: dict[int, dict[str, list[int]]] = {}
    for match_id, user_id, role in MatchMember.objects.filter(
        match__program=program, match__status__in=[Match.Status.DECLINED, Match.Status.ENDED]
    ).values_list("match_id", "user_id", "role"):
        failed.setdefault(match_id, {}).setdefault(role, []).append(user_id)
    for members in failed.values():  # a pair that declined or failed is not proposed again
        for junior_id in members.get(Role.JUNIOR, []):
            for senior_id in members.get(Role.SENIOR, []):
                if junior_id in junior_at and senior_id in senior_at:
                    excluded.append((junior_at[junior_id], senior_at[senior_id]))

    scores = score_matrix(juniors, seniors, config.weights)
    limits = constraints(
        juniors, seniors, min_level_gap=config.min_level_gap, chain_pairs=chain_pairs, excluded_pairs=excluded, private_pairs=private
    )
    return Problem(program=program, config=config, juniors=juniors, seniors=seniors, labels=labels, scores=scores, limits=limits)


def _peer_problem(
    program: Program, config: MatchingConfig, rows: list[tuple[Any, ...]], pool: Side, labels: Labels, chosen: QuerySet
) -> Problem:
    """A peer exchange's pool × pool problem: every rule holds in both directions."""
    at = {int(uid): i for i, uid in enumerate(pool.ids)}
    tree = reporting_tree()
    chain_pairs = [(i, at[a]) for uid, i in at.items() for a in tree.ancestors(uid) if a in at]
    # HR's forbid rules name the two in either order; so may an earlier declined or ended pair.
    excluded = [
        (at[a], at[b])
        for a, b in PairRule.objects.filter(program=program, kind=PairRule.Kind.FORBID).values_list("junior_id", "senior_id")
        if a in at and b in at
    ]
    failed: dict[int, list[int]] = {}
    for match_id, user_id in MatchMember.objects.filter(
        match__program=program, match__status__in=[Match.Status.DECLINED, Match.Status.ENDED]
    ).values_list("match_id", "user_id"):
        if user_id in at:
            failed.setdefault(match_id, []).append(at[user_id])
    excluded += [(a, b) for members in failed.values() for a in members for b in members if a != b]
    application_row = {row[0]: i for i, row in enumerate(rows)}
    avoided = Application.avoid_people.through.objects.filter(application__in=chosen).order_by()
    private = [  # kept apart from HR's rules: HR must not learn of them
        (application_row[application_id], at[user_id])
        for application_id, user_id in avoided.values_list("application_id", "user_id")
        if user_id in at
    ]
    generations = np.array([GENERATIONS.index(row[-1]) if row[-1] in GENERATIONS else -1 for row in rows], dtype=np.int64)
    scores = score_matrix(pool, pool, config.weights, peer_exchange=True)
    scores = (scores + scores.T) / 2.0  # both directions' topic fit: symmetric by construction, and exactly so
    limits = peer_constraints(
        pool,
        partners=config.peer_partners,
        min_level_gap=config.min_level_gap,
        generations=generations,
        chain_pairs=chain_pairs,
        excluded_pairs=excluded,
        private_pairs=private,
    )
    return Problem(
        program=program,
        config=config,
        juniors=pool,
        seniors=pool,
        labels=labels,
        scores=scores,
        limits=limits,
        generations=generations,
        roles=[row[2] for row in rows],
    )
