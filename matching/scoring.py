"""Pair scores, hard constraints and explanations, vectorised over the whole cohort.

No Django here: `matching.problem` loads the database into `Side` arrays; everything
below is numpy, so 2,000 × 2,000 candidates cost a fraction of a second, not a loop per pair.
Every score component lies in [0, 1]; a pair's score is their weighted mean × 100.
`score_matrix` builds the scores one component at a time (one juniors × seniors matrix alive
besides the score); `components_at` gives the components of the chosen pairs only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

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

    def block(self, rows: slice) -> Side:
        """The people at `rows`, as views of these arrays (no copy)."""
        return replace(
            self,
            **{f.name: getattr(self, f.name)[rows] for f in fields(self)},
        )


@dataclass
class Labels:
    topics: Sequence[str]  # the catalog's names (translated when shown)
    slots: Sequence[dict[str, Any]]  # reasons (matching.reasons) naming each time slot
    languages: Sequence[dict[str, Any]]  # {"t": "German"}, …


def _topic_fit(
    teacher: Side, learner: Side, rows: NDArray[np.intp] | None = None, out: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """Share of the learner's weighted wishes the teacher covers, by confidence × priority.

    teacher × learner, or only the teachers at `rows` (the same product, row by row)."""
    expertise = teacher.expertise if rows is None else teacher.expertise[rows]
    wishes = learner.interest.sum(axis=1)
    covered = np.matmul(expertise / 3.0, learner.interest.T, out=out)
    # A learner without wishes has an all-zero column: dividing it by 1 keeps it 0.
    np.divide(covered, np.where(wishes > 0, wishes, 1.0)[None, :], out=covered)
    return covered


def _by_kind(j_keys: NDArray, s_keys: NDArray, pair_value: Callable[[NDArray, NDArray], NDArray], out: NDArray | None = None) -> NDArray:
    """`pair_value` of every junior × senior pair (into `out`), computed once per distinct pair of
    keys (a few time zones, modes, levels, departments, working styles or sets of languages) and
    copied to the pairs: no juniors × seniors temporary of the arithmetic."""
    j_kinds, j_at = np.unique(j_keys, axis=0, return_inverse=True)
    s_kinds, s_at = np.unique(s_keys, axis=0, return_inverse=True)
    table = pair_value(j_kinds, s_kinds)
    return np.take(table[j_at.reshape(-1)], s_at.reshape(-1), axis=1, out=out)


def _mode_fit(j_modes: NDArray[np.int64], s_modes: NDArray[np.int64]) -> NDArray[np.float64]:
    return MODE_FIT[j_modes[:, None], s_modes[None, :]]


def _tz_fit(j_offsets: NDArray[np.float64], s_offsets: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.clip(1.0 - np.abs(j_offsets[:, None] - s_offsets[None, :]) / MAX_TZ_HOURS, 0.0, 1.0)


def _style_fit(j_styles: NDArray[np.float64], s_styles: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 − the mean gap over the traits (directness, structure, pace: 1..5) / 4."""
    gap = np.zeros((len(j_styles), len(s_styles)))
    for trait in range(j_styles.shape[1]):
        gap += np.abs(j_styles[:, trait, None] - s_styles[None, :, trait])
    return 1.0 - gap / j_styles.shape[1] / 4.0


def _department_fit(j_departments: NDArray[np.int64], s_departments: NDArray[np.int64]) -> NDArray[np.float64]:
    j_dept, s_dept = j_departments[:, None], s_departments[None, :]
    return ((j_dept != s_dept) | (j_dept < 0) | (s_dept < 0)).astype(np.float64)


# Each component fills `out` (juniors × seniors) and may use `work` (the same shape) as scratch,
# so a whole score costs three such matrices however many components there are.
def _topics(juniors: Side, seniors: Side, peer_exchange: bool, out: NDArray[np.float64], work: NDArray[np.float64]) -> None:
    _topic_fit(juniors, seniors, out=out)
    if peer_exchange:  # both teach: average the two directions
        out += _topic_fit(seniors, juniors).T
        out /= 2.0


def _availability(juniors: Side, seniors: Side, _peer_exchange: bool, out: NDArray[np.float64], work: NDArray[np.float64]) -> None:
    j_slots, s_slots = juniors.slots.astype(np.float64), seniors.slots.astype(np.float64)
    np.matmul(j_slots, s_slots.T, out=out)  # shared slots
    # ÷ the smaller number of slots; someone without slots shares none, and 0 ÷ 1 stays 0.
    np.minimum(np.maximum(j_slots.sum(axis=1), 1.0)[:, None], np.maximum(s_slots.sum(axis=1), 1.0)[None, :], out=work)
    np.divide(out, work, out=out)
    out *= 0.5
    _by_kind(juniors.modes, seniors.modes, lambda a, b: 0.25 * _mode_fit(a, b), work)
    out += work
    _by_kind(juniors.tz_offsets, seniors.tz_offsets, lambda a, b: 0.25 * _tz_fit(a, b), work)
    out += work


def _chemistry(juniors: Side, seniors: Side, _peer_exchange: bool, out: NDArray[np.float64], work: NDArray[np.float64]) -> None:
    _by_kind(juniors.styles, seniors.styles, _style_fit, out)


def _diversity(juniors: Side, seniors: Side, _peer_exchange: bool, out: NDArray[np.float64], work: NDArray[np.float64]) -> None:
    _by_kind(juniors.departments, seniors.departments, _department_fit, out)


_MATRICES = {"topics": _topics, "availability": _availability, "chemistry": _chemistry, "diversity": _diversity}


def _positive_weights(weights: Mapping[str, float]) -> dict[str, float]:
    used = {name: max(float(weights.get(name, 0)), 0.0) for name in COMPONENTS}
    if sum(used.values()) <= 0:
        raise ValueError("at least one weight must be positive")
    return used


def components(juniors: Side, seniors: Side, *, peer_exchange: bool = False) -> dict[str, NDArray[np.float64]]:
    """Every component for every pair: four juniors × seniors matrices (for small cohorts and
    tests; a run needs only `score_matrix` and `components_at`)."""
    shape = (len(juniors), len(seniors))
    parts = {}
    work = np.empty(shape)
    for name in COMPONENTS:
        parts[name] = np.empty(shape)
        _MATRICES[name](juniors, seniors, peer_exchange, parts[name], work)
    return parts


def combine(parts: Mapping[str, NDArray[np.float64]], weights: Mapping[str, float]) -> NDArray[np.float64]:
    used = _positive_weights(weights)
    score = np.zeros_like(parts[COMPONENTS[0]])
    for name in COMPONENTS:
        score = score + used[name] * parts[name]
    return 100.0 * score / sum(used.values())


# Cells of a block of junior rows: two such blocks (8 MB) stay in the processor's cache, where
# a whole juniors × seniors matrix per step would go to memory and back, and be new pages first.
BLOCK_CELLS = 1 << 19


def score_matrix(juniors: Side, seniors: Side, weights: Mapping[str, float], *, peer_exchange: bool = False) -> NDArray[np.float64]:
    """`combine(components(...), weights)` without the four component matrices: the topic fit is
    built in the score itself, the other components block by block of junior rows, each added to
    the score at once (the same operations in the same order: the same bits)."""
    used = _positive_weights(weights)
    n_juniors, n_seniors = len(juniors), len(seniors)
    if used["topics"]:
        score = np.empty((n_juniors, n_seniors))
        _topics(juniors, seniors, peer_exchange, score, score)
        score *= used["topics"]
    else:  # adding 0 × a component changes no score
        score = np.zeros((n_juniors, n_seniors))
    step = max(1, BLOCK_CELLS // max(n_seniors, 1))
    part, work = np.empty((min(step, n_juniors), n_seniors)), np.empty((min(step, n_juniors), n_seniors))
    for start in range(0, n_juniors, step):
        rows = slice(start, min(start + step, n_juniors))
        block = juniors.block(rows)
        size = rows.stop - rows.start
        for name in COMPONENTS[1:]:
            if used[name] == 0:
                continue
            _MATRICES[name](block, seniors, peer_exchange, part[:size], work[:size])
            part[:size] *= used[name]
            score[rows] += part[:size]
    score *= 100.0
    score /= sum(used.values())
    return score


def components_at(
    juniors: Side,
    seniors: Side,
    rows: Sequence[int] | NDArray[np.intp],
    cols: Sequence[int] | NDArray[np.intp],
    *,
    peer_exchange: bool = False,
) -> dict[str, NDArray[np.float64]]:
    """The components of the pairs (rows[k], cols[k]) only, as one value per pair: what the
    explanations of the proposed matches need, without a juniors × seniors matrix per component."""
    j = np.asarray(rows, dtype=np.intp)
    s = np.asarray(cols, dtype=np.intp)
    at = np.arange(len(j))
    topics = _topic_fit(juniors, seniors, rows=j)[at, s]
    if peer_exchange:
        topics += _topic_fit(seniors, juniors, rows=s)[at, j]
        topics /= 2.0

    j_slots, s_slots = juniors.slots[j].astype(np.float64), seniors.slots[s].astype(np.float64)
    overlap = (j_slots * s_slots).sum(axis=1)
    smaller = np.minimum(j_slots.sum(axis=1), s_slots.sum(axis=1))
    slot_fit = np.divide(overlap, smaller, out=np.zeros_like(overlap), where=smaller > 0)
    mode_fit = MODE_FIT[juniors.modes[j], seniors.modes[s]]
    tz_fit = np.clip(1.0 - np.abs(juniors.tz_offsets[j] - seniors.tz_offsets[s]) / MAX_TZ_HOURS, 0.0, 1.0)
    availability = 0.5 * slot_fit + 0.25 * mode_fit + 0.25 * tz_fit

    gap = np.zeros(len(j))
    for trait in range(juniors.styles.shape[1]):
        gap += np.abs(juniors.styles[j, trait] - seniors.styles[s, trait])
    chemistry = 1.0 - gap / juniors.styles.shape[1] / 4.0

    j_dept, s_dept = juniors.departments[j], seniors.departments[s]
    diversity = ((j_dept != s_dept) | (j_dept < 0) | (s_dept < 0)).astype(np.float64)
    return {"topics": topics, "availability": availability, "chemistry": chemistry, "diversity": diversity}


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
    level = _by_kind(juniors.levels, seniors.levels, lambda j, s: (s[None, :] - j[:, None]) < min_level_gap)
    language = _by_kind(juniors.languages, seniors.languages, lambda j, s: (j.astype(np.int64) @ s.T.astype(np.int64)) == 0)
    allowed = ~(chain | excluded | private | level | language)
    return Constraints(allowed=allowed, chain=chain, excluded=excluded, level=level, language=language, private=private)


def _symmetric(n: int, pairs: Iterable[tuple[int, int]]) -> NDArray[np.bool_]:
    matrix = np.zeros((n, n), dtype=bool)
    for a, b in pairs:
        matrix[a, b] = matrix[b, a] = True
    return matrix


def peer_constraints(
    pool: Side,
    *,
    partners: str,
    min_level_gap: int,
    generations: NDArray[np.int64],
    chain_pairs: Iterable[tuple[int, int]],
    excluded_pairs: Iterable[tuple[int, int]],
    private_pairs: Iterable[tuple[int, int]] = (),
) -> Constraints:
    """Hard rules of a peer exchange, pool × pool and symmetric: every rule given as (a, b)
    holds for (b, a) too, and nobody is paired with themselves (counted as `excluded`).

    `level` holds the partner rule: partners="level", their levels differ by less than
    `min_level_gap`; partners="generation", either stated no generation (-1) or both the same.
    """
    n = len(pool)
    chain = _symmetric(n, chain_pairs)
    excluded = _symmetric(n, excluded_pairs)
    np.fill_diagonal(excluded, True)
    private = _symmetric(n, private_pairs)
    if partners == "generation":
        stated = generations >= 0
        level = ~(stated[:, None] & stated[None, :]) | (generations[:, None] == generations[None, :])
    elif partners == "level":
        level = _by_kind(pool.levels, pool.levels, lambda a, b: np.abs(a[:, None] - b[None, :]) < min_level_gap)
    else:
        raise ValueError(f"unknown peer partners rule {partners!r}")
    language = _by_kind(pool.languages, pool.languages, lambda a, b: (a.astype(np.int64) @ b.T.astype(np.int64)) == 0)
    allowed = ~(chain | excluded | private | level | language)
    return Constraints(allowed=allowed, chain=chain, excluded=excluded, level=level, language=language, private=private)


def gettext_noop(message: str) -> str:
    """Marks an English message for translation (makemessages finds it by this name); the reason
    stays data here and matching.reasons renders it in the reader's language."""
    return message


def ngettext(singular: str, plural: str, n: int) -> dict[str, Any]:
    """A plural reason: marked for translation by this name (makemessages extracts both forms as
    one entry), read with the right form for `n` by matching.reasons."""
    return {"msg": singular, "plural": plural, "n": n}


def _some(cause: str, count: int, *, senior: bool) -> dict[str, Any]:
    """ "3 seniors ruled out …": one cause of an unmatched person's reason, counted."""
    if cause == "ruled_out":
        if senior:
            return ngettext(
                "%(count)d senior ruled out (reporting chain or an exclusion)",
                "%(count)d seniors ruled out (reporting chain or an exclusion)",
                count,
            )
        return ngettext(
            "%(count)d junior ruled out (reporting chain or an exclusion)",
            "%(count)d juniors ruled out (reporting chain or an exclusion)",
            count,
        )
    if cause == "level":
        if senior:
            return ngettext("%(count)d senior not enough levels apart", "%(count)d seniors not enough levels apart", count)
        return ngettext("%(count)d junior not enough levels apart", "%(count)d juniors not enough levels apart", count)
    if senior:
        return ngettext("%(count)d senior without a shared language", "%(count)d seniors without a shared language", count)
    return ngettext("%(count)d junior without a shared language", "%(count)d juniors without a shared language", count)


def _label_text(label: Any) -> Any:
    return label.get("t") if isinstance(label, dict) else label


def _msg(message: str, **params: Any) -> dict[str, Any]:
    return {"msg": message, **params}


def explain_pairs(
    rows: Sequence[int], cols: Sequence[int], juniors: Side, seniors: Side, labels: Labels, *, peer_exchange: bool = False
) -> list[dict]:
    """A short human explanation of each pair (rows[k], cols[k]), plus the component values
    behind it. The arrays for all pairs are built at once; only the sentences are per pair."""
    if not len(rows):
        return []
    j = np.asarray(rows, dtype=np.intp)
    s = np.asarray(cols, dtype=np.intp)
    values = components_at(juniors, seniors, j, s, peer_exchange=peer_exchange)
    products = juniors.expertise[j] * seniors.interest[s]
    if peer_exchange:
        products = products + seniors.expertise[s] * juniors.interest[j]
    top = np.argsort(-products, axis=1, kind="stable")[:, :3]
    top_positive = (np.take_along_axis(products, top, axis=1) > 0).tolist()
    top_topics = top.tolist()
    common = (juniors.slots[j] & seniors.slots[s]).tolist()
    shared = (juniors.languages[j] & seniors.languages[s]).tolist()
    j_modes, s_modes = juniors.modes[j].tolist(), seniors.modes[s].tolist()
    gaps = np.abs(juniors.tz_offsets[j] - seniors.tz_offsets[s]).tolist()
    j_depts, s_depts = juniors.departments[j].tolist(), seniors.departments[s].tolist()
    chemistry, diversity = values["chemistry"].tolist(), values["diversity"].tolist()
    rounded = {name: [round(value, 3) for value in values[name].tolist()] for name in COMPONENTS}  # Python's round, as stored before
    explained = []
    for k in range(len(j)):
        reasons: list[dict[str, Any]] = []
        topics = [t for t, positive in zip(top_topics[k], top_positive[k], strict=True) if positive]
        if topics:
            reasons.append(_msg(gettext_noop("shares %(topics)s"), topics=[{"t": labels.topics[t], "inline": True} for t in topics]))
        else:
            reasons.append(_msg(gettext_noop("no topic overlap yet: agree on topics at the kickoff")))
        slots = [t for t, both in enumerate(common[k]) if both]
        if slots:
            reasons.append(_msg(gettext_noop("both prefer %(times)s"), times=[labels.slots[t] for t in slots[:2]]))
        mode_j, mode_s = MODES[j_modes[k]], MODES[s_modes[k]]
        if mode_j == mode_s and mode_j != "hybrid":
            reasons.append(
                _msg(gettext_noop("both like to meet in person") if mode_j == "in_person" else gettext_noop("both like to meet remotely"))
            )
        if gaps[k] >= 1:
            reasons.append(_msg(gettext_noop("%(hours)s h time difference"), hours=round(gaps[k], 2)))
        languages = [t for t, both in enumerate(shared[k]) if both]
        if languages and not (len(languages) == 1 and _label_text(labels.languages[languages[0]]) == "English"):
            reasons.append(_msg(gettext_noop("can meet in %(languages)s"), languages=[labels.languages[t] for t in languages]))
        if chemistry[k] >= 0.8:
            reasons.append(_msg(gettext_noop("similar working styles")))
        elif chemistry[k] <= 0.4:
            reasons.append(_msg(gettext_noop("contrasting working styles")))
        if diversity[k] > 0 and j_depts[k] >= 0 and s_depts[k] >= 0:
            reasons.append(_msg(gettext_noop("different departments")))
        elif j_depts[k] == s_depts[k] and j_depts[k] >= 0:
            reasons.append(_msg(gettext_noop("same department (outside each other's reporting chain)")))
        explained.append({"reasons": reasons, "components": {name: rounded[name][k] for name in COMPONENTS}})
    return explained


def explain(j: int, s: int, juniors: Side, seniors: Side, labels: Labels, *, peer_exchange: bool = False) -> dict:
    """`explain_pairs` for one pair."""
    return explain_pairs([j], [s], juniors, seniors, labels, peer_exchange=peer_exchange)[0]


def why_unmatched(
    index: int, *, side: str, limits: Constraints, other_count: int, positive_partner: bool, objective: str
) -> dict[str, Any]:
    """Why one person got no match, in words HR can act on (a reason: matching.reasons)."""
    senior = side == "junior"  # the other side
    if other_count == 0:
        return _msg(gettext_noop("no seniors in the pool") if senior else gettext_noop("no juniors in the pool"))
    pick = (lambda m: m[index, :]) if side == "junior" else (lambda m: m[:, index])
    if not pick(limits.allowed).any():
        # One wording whatever keeps a pair apart for good — a reporting chain, an HR rule,
        # an earlier decline or a private "rather not" — so the text never singles out a
        # private list (nor can it be told from a chain by its own line). Level gap and
        # language come separately: HR can act on those.
        excluded = limits.excluded if limits.private is None else limits.excluded | limits.private
        counts = [
            ("ruled_out", int(pick(limits.chain | excluded).sum())),
            ("level", int(pick(limits.level).sum())),
            ("language", int(pick(limits.language).sum())),
        ]
        counts = [(cause, count) for cause, count in counts if count]
        everyone = {
            "ruled_out": (
                gettext_noop("no allowed partner: every senior is ruled out (reporting chain or an exclusion)"),
                gettext_noop("no allowed partner: every junior is ruled out (reporting chain or an exclusion)"),
            ),
            "level": (
                gettext_noop("no allowed partner: every senior is not enough levels apart"),
                gettext_noop("no allowed partner: every junior is not enough levels apart"),
            ),
            "language": (
                gettext_noop("no allowed partner: no senior shares a language"),
                gettext_noop("no allowed partner: no junior shares a language"),
            ),
        }
        for cause, count in counts:
            if count == other_count:
                return _msg(everyone[cause][0 if senior else 1])
        parts = [_some(cause, count, senior=senior) for cause, count in counts]
        joined = {"msg": "; ".join(f"%({key})s" for key in "abc"[: len(parts)]), **dict(zip("abc", parts, strict=False))}
        return _msg(gettext_noop("no allowed partner: %(causes)s"), causes=joined)
    if objective == "score" and not positive_partner:
        return _msg(gettext_noop("no allowed partner with a positive score"))
    return _msg(
        gettext_noop("every allowed senior was matched with someone else (not enough seniors to go round)")
        if senior
        else gettext_noop("every allowed junior was matched with someone else (not enough juniors to go round)")
    )
