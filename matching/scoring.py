"""Pair scores, hard constraints and explanations, vectorised over the whole cohort.

No Django here: `matching.problem` loads the database into `Side` arrays; everything
below is numpy, so 2,000 × 2,000 candidates cost milliseconds, not a loop per pair.
Every score component lies in [0, 1]; a pair's score is their weighted mean × 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

MODES = ("in_person", "remote", "hybrid")
# in person × remote cannot meet; hybrid meets anyone.
MODE_FIT = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 1.0, 1.0]])
MAX_TZ_HOURS = 6.0  # beyond this, a shared working hour is rare
COMPONENTS = ("topics", "availability", "chemistry", "diversity")


@dataclass
class Side:
    """One side of the cohort (juniors or seniors), one row per person."""

    ids: NDArray[np.int64]
    names: list[str]
    levels: NDArray[np.int64]
    departments: NDArray[np.int64]  # -1: none
    department_names: list[str]
    tz_offsets: NDArray[np.float64]  # hours from UTC at the program start
    modes: NDArray[np.int64]  # index into MODES
    slots: NDArray[np.bool_]  # person × time slot
    languages: NDArray[np.bool_]  # person × language
    styles: NDArray[np.float64]  # person × (directness, structure, pace), 1..5
    expertise: NDArray[np.float64]  # person × topic, 0..3
    interest: NDArray[np.float64]  # person × topic, 0..3

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Labels:
    topics: Sequence[str]
    slots: Sequence[str]
    languages: Sequence[str]


def _topic_fit(teacher: Side, learner: Side) -> NDArray[np.float64]:
    """Share of the learner's weighted wishes the teacher covers, by confidence × priority."""
    wishes = learner.interest.sum(axis=1)
    covered = (teacher.expertise / 3.0) @ learner.interest.T
    return np.divide(covered, wishes[None, :], out=np.zeros_like(covered), where=wishes[None, :] > 0)


def components(juniors: Side, seniors: Side, *, peer_exchange: bool = False) -> dict[str, NDArray[np.float64]]:
    topics = _topic_fit(juniors, seniors)
    if peer_exchange:  # both teach: average the two directions
        topics = (topics + _topic_fit(seniors, juniors).T) / 2.0

    j_slots, s_slots = juniors.slots.astype(np.float64), seniors.slots.astype(np.float64)
    overlap = j_slots @ s_slots.T
    smaller = np.minimum(j_slots.sum(axis=1)[:, None], s_slots.sum(axis=1)[None, :])
    slot_fit = np.divide(overlap, smaller, out=np.zeros_like(overlap), where=smaller > 0)
    mode_fit = MODE_FIT[juniors.modes[:, None], seniors.modes[None, :]]
    tz_gap = np.abs(juniors.tz_offsets[:, None] - seniors.tz_offsets[None, :])
    tz_fit = np.clip(1.0 - tz_gap / MAX_TZ_HOURS, 0.0, 1.0)
    availability = 0.5 * slot_fit + 0.25 * mode_fit + 0.25 * tz_fit

    style_gap = np.abs(juniors.styles[:, None, :] - seniors.styles[None, :, :]).mean(axis=2)
    chemistry = 1.0 - style_gap / 4.0

    j_dept, s_dept = juniors.departments[:, None], seniors.departments[None, :]
    diversity = ((j_dept != s_dept) | (j_dept < 0) | (s_dept < 0)).astype(np.float64)
    return {"topics": topics, "availability": availability, "chemistry": chemistry, "diversity": diversity}


def combine(parts: Mapping[str, NDArray[np.float64]], weights: Mapping[str, float]) -> NDArray[np.float64]:
    total = sum(max(float(weights.get(name, 0)), 0.0) for name in COMPONENTS)
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    score = np.zeros_like(parts[COMPONENTS[0]])
    for name in COMPONENTS:
        score = score + max(float(weights.get(name, 0)), 0.0) * parts[name]
    return 100.0 * score / total


@dataclass
class Constraints:
    """Which pairs may be matched, and for each refused pair, why.

    `excluded` holds what HR knows about (its own rules, earlier declines); `private` holds the
    participants' own "rather not" lists, which only steer the engine's proposals. `allowed` is
    what the engine may propose; `hr_allowed` is what HR may pair or pin by hand: it ignores the
    private lists, because refusing HR on their account would tell HR they exist.
    """

    allowed: NDArray[np.bool_]
    chain: NDArray[np.bool_]
    excluded: NDArray[np.bool_]
    level: NDArray[np.bool_]
    language: NDArray[np.bool_]
    private: NDArray[np.bool_] | None = None
    reasons: dict[str, str] = field(default_factory=dict)

    @property
    def hr_allowed(self) -> NDArray[np.bool_]:
        return ~(self.chain | self.excluded | self.level | self.language)


def constraints(
    juniors: Side,
    seniors: Side,
    *,
    min_level_gap: int,
    chain_pairs: Iterable[tuple[int, int]],
    excluded_pairs: Iterable[tuple[int, int]],
    private_pairs: Iterable[tuple[int, int]] = (),
) -> Constraints:
    """Hard rules. Pairs are given as (junior index, senior index)."""
    shape = (len(juniors), len(seniors))
    chain = np.zeros(shape, dtype=bool)
    for j, s in chain_pairs:
        chain[j, s] = True
    excluded = np.zeros(shape, dtype=bool)
    for j, s in excluded_pairs:
        excluded[j, s] = True
    private = np.zeros(shape, dtype=bool)
    for j, s in private_pairs:
        private[j, s] = True
    level = (seniors.levels[None, :] - juniors.levels[:, None]) < min_level_gap
    language = (juniors.languages.astype(np.int64) @ seniors.languages.T.astype(np.int64)) == 0
    allowed = ~(chain | excluded | private | level | language)
    return Constraints(allowed=allowed, chain=chain, excluded=excluded, level=level, language=language, private=private)


def _inline(name: str) -> str:
    """A topic name inside a sentence: "Remote work" → "remote work", "AI tools" stays."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def explain(
    j: int, s: int, juniors: Side, seniors: Side, parts: Mapping[str, NDArray[np.float64]], labels: Labels, *, peer_exchange: bool = False
) -> dict:
    """A short human explanation of one pair, plus the component values behind it."""
    reasons: list[str] = []
    products = juniors.expertise[j] * seniors.interest[s]
    if peer_exchange:
        products = products + seniors.expertise[s] * juniors.interest[j]
    top = [int(t) for t in np.argsort(-products, kind="stable")[:3] if products[t] > 0]
    if top:
        reasons.append("shares " + _join([_inline(labels.topics[t]) for t in top]))
    else:
        reasons.append("no topic overlap yet: agree on topics at the kickoff")
    common = np.nonzero(juniors.slots[j] & seniors.slots[s])[0]
    if len(common):
        reasons.append("both prefer " + _join([labels.slots[t] for t in common[:2]]))
    mode_j, mode_s = MODES[juniors.modes[j]], MODES[seniors.modes[s]]
    if mode_j == mode_s and mode_j != "hybrid":
        reasons.append("both like to meet " + ("in person" if mode_j == "in_person" else "remotely"))
    gap = abs(juniors.tz_offsets[j] - seniors.tz_offsets[s])
    if gap >= 1:
        reasons.append(f"{gap:g} h time difference")
    shared = [int(t) for t in np.nonzero(juniors.languages[j] & seniors.languages[s])[0]]
    if shared and not (len(shared) == 1 and labels.languages[shared[0]] == "English"):
        reasons.append("can meet in " + _join([labels.languages[t] for t in shared]))
    if parts["chemistry"][j, s] >= 0.8:
        reasons.append("similar working styles")
    elif parts["chemistry"][j, s] <= 0.4:
        reasons.append("contrasting working styles")
    if parts["diversity"][j, s] > 0 and juniors.departments[j] >= 0 and seniors.departments[s] >= 0:
        reasons.append("different departments")
    elif juniors.departments[j] == seniors.departments[s] and juniors.departments[j] >= 0:
        reasons.append("same department (outside each other's reporting chain)")
    return {
        "reasons": reasons,
        "components": {name: round(float(parts[name][j, s]), 3) for name in COMPONENTS},
    }


def why_unmatched(index: int, *, side: str, limits: Constraints, other_count: int, positive_partner: bool, objective: str) -> str:
    """Why one person got no match, in words HR can act on."""
    other = "senior" if side == "junior" else "junior"
    if other_count == 0:
        return f"no {other}s in the pool"
    pick = (lambda m: m[index, :]) if side == "junior" else (lambda m: m[:, index])
    if not pick(limits.allowed).any():
        # One wording whatever keeps a pair apart for good — a reporting chain, an HR rule,
        # an earlier decline or a private "rather not" — so the text never singles out a
        # private list (nor can it be told from a chain by its own line). Level gap and
        # language come separately: HR can act on those.
        excluded = limits.excluded if limits.private is None else limits.excluded | limits.private
        causes = [
            (pick(limits.chain | excluded).sum(), "ruled out (reporting chain or an exclusion)"),
            (pick(limits.level).sum(), "not enough levels apart"),
            (pick(limits.language).sum(), "without a shared language"),
        ]
        causes = [(int(count), text) for count, text in causes if count]
        for count, text in causes:
            if count == other_count:
                return (
                    f"no allowed partner: every {other} is {text}"
                    if text != "without a shared language"
                    else f"no allowed partner: no {other} shares a language"
                )
        return "no allowed partner: " + "; ".join(f"{count} {other}(s) {text}" for count, text in causes)
    if objective == "score" and not positive_partner:
        return "no allowed partner with a positive score"
    return f"every allowed {other} was matched with someone else (not enough {other}s to go round)"
