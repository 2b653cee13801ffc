"""From the database to the engine's arrays, in a fixed number of queries.

`load_problem` reads the accepted applications of a program (minus people already held by
a match), the directory facts, the reporting tree, HR's pair rules, private "rather not"
lists and earlier declined or ended pairs, and returns everything the engine and the
explanations need. No query runs per person or per pair.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.utils import timezone

from mentoring.selectors import reporting_tree
from programs.models import DAY_PARTS, TIME_SLOTS, WEEKDAYS, Application, ApplicationTopic, Program, Role, Topic

from .models import Match, MatchingConfig, MatchMember, PairRule
from .scoring import MODES, Constraints, Labels, Side, combine, components, constraints


@dataclass
class Problem:
    program: Program
    config: MatchingConfig
    juniors: Side
    seniors: Side
    junior_apps: list[Application]
    senior_apps: list[Application]
    labels: Labels
    parts: dict[str, np.ndarray]
    scores: np.ndarray
    limits: Constraints

    @property
    def peer_exchange(self) -> bool:
        return self.program.format == Program.Format.PEER_EXCHANGE

    def digest(self) -> str:
        payload = hashlib.sha256()
        payload.update(self.juniors.ids.tobytes())
        payload.update(self.seniors.ids.tobytes())
        payload.update(np.round(self.scores, 6).tobytes())
        payload.update(self.limits.allowed.tobytes())
        payload.update(json.dumps([self.config.weights, self.config.objective, self.config.min_level_gap], sort_keys=True).encode())
        return payload.hexdigest()


def slot_labels() -> list[str]:
    days, parts = dict(WEEKDAYS), dict(DAY_PARTS)
    labels = []
    for slot in TIME_SLOTS:
        day, _sep, part = slot.partition("_")
        labels.append(f"{days[day]} {str(parts[part]).lower()}s")
    return labels


def _utc_offset_hours(name: str, when: datetime.datetime, cache: dict[str, float]) -> float:
    if name not in cache:
        try:
            offset = when.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offset = datetime.timedelta(0)
        cache[name] = offset.total_seconds() / 3600 if offset is not None else 0.0
    return cache[name]


def _side(apps: list[Application], topic_index: dict[int, int], language_index: dict[str, int], when: datetime.datetime) -> Side:
    n, n_topics = len(apps), len(topic_index)
    slot_index = {slot: i for i, slot in enumerate(TIME_SLOTS)}
    tz_cache: dict[str, float] = {}
    side = Side(
        ids=np.array([a.user_id for a in apps], dtype=np.int64),
        names=[a.user.get_full_name() for a in apps],
        levels=np.array([a.user.level for a in apps], dtype=np.int64),
        departments=np.array([a.user.department_id or -1 for a in apps], dtype=np.int64),
        department_names=[a.user.department.name if a.user.department else "" for a in apps],
        tz_offsets=np.array([_utc_offset_hours(a.user.timezone, when, tz_cache) for a in apps], dtype=np.float64),
        modes=np.array([MODES.index(a.meeting_mode) if a.meeting_mode in MODES else 2 for a in apps], dtype=np.int64),
        slots=np.zeros((n, len(TIME_SLOTS)), dtype=bool),
        languages=np.zeros((n, len(language_index)), dtype=bool),
        styles=np.array([[a.style_directness, a.style_structure, a.style_pace] for a in apps], dtype=np.float64).reshape(n, 3),
        expertise=np.zeros((n, n_topics)),
        interest=np.zeros((n, n_topics)),
    )
    for row, application in enumerate(apps):
        for slot in application.preferred_times:
            if slot in slot_index:
                side.slots[row, slot_index[slot]] = True
        for code in application.languages:
            if code in language_index:
                side.languages[row, language_index[code]] = True
        for item in application.topics.all():
            column = topic_index.get(item.topic_id)
            if column is None:
                continue
            target = side.expertise if item.kind == ApplicationTopic.Kind.EXPERTISE else side.interest
            target[row, column] = item.strength
    return side


def held_user_ids(program: Program) -> set[int]:
    """People already in a proposed, offered or confirmed match of this program."""
    return set(MatchMember.objects.filter(match__program=program, match__status__in=Match.HOLDING).values_list("user_id", flat=True))


def load_problem(
    program: Program, *, config: MatchingConfig, exclude_user_ids: Iterable[int] = (), only_user_ids: Iterable[int] | None = None
) -> Problem:
    applications = (
        program.applications.filter(status=Application.Status.ACCEPTED)
        .exclude(user_id__in=set(exclude_user_ids))
        .select_related("user", "user__department")
        .prefetch_related("topics", "avoid_people")
        .order_by("user_id")
    )
    if only_user_ids is not None:
        applications = applications.filter(user_id__in=set(only_user_ids))
    apps = list(applications)
    junior_apps = [a for a in apps if a.role == Role.JUNIOR]
    senior_apps = [a for a in apps if a.role == Role.SENIOR]

    topics = list(Topic.objects.order_by("pk").values_list("pk", "name"))
    topic_index = {pk: i for i, (pk, _name) in enumerate(topics)}
    languages = list(settings.LANGUAGES)
    language_index = {code: i for i, (code, _label) in enumerate(languages)}
    start = program.start_date or timezone.localdate()
    when = datetime.datetime.combine(start, datetime.time(12), tzinfo=datetime.UTC)
    juniors = _side(junior_apps, topic_index, language_index, when)
    seniors = _side(senior_apps, topic_index, language_index, when)
    labels = Labels(topics=[name for _pk, name in topics], slots=slot_labels(), languages=[str(label) for _code, label in languages])

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
    for application in junior_apps:
        private += [(junior_at[application.user_id], senior_at[p.pk]) for p in application.avoid_people.all() if p.pk in senior_at]
    for application in senior_apps:
        private += [(junior_at[p.pk], senior_at[application.user_id]) for p in application.avoid_people.all() if p.pk in junior_at]
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

    peer = program.format == Program.Format.PEER_EXCHANGE
    parts = components(juniors, seniors, peer_exchange=peer)
    scores = combine(parts, config.weights)
    limits = constraints(
        juniors, seniors, min_level_gap=config.min_level_gap, chain_pairs=chain_pairs, excluded_pairs=excluded, private_pairs=private
    )
    return Problem(
        program=program,
        config=config,
        juniors=juniors,
        seniors=seniors,
        junior_apps=junior_apps,
        senior_apps=senior_apps,
        labels=labels,
        parts=parts,
        scores=scores,
        limits=limits,
    )
