"""What a grouping is: the limits, a group, a result."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class GroupLimits:
    juniors_min: int = 3
    juniors_max: int = 4
    seniors_min: int = 1
    seniors_max: int = 2

    def __post_init__(self) -> None:
        if not (1 <= self.juniors_min <= self.juniors_max and 1 <= self.seniors_min <= self.seniors_max):
            raise ValueError(f"invalid group limits {self}")


@dataclass(frozen=True)
class Group:
    seniors: tuple[int, ...]
    juniors: tuple[int, ...]


@dataclass(frozen=True)
class GroupResult:
    groups: list[Group]
    proven_optimal: bool  # the most juniors placed, and the best value for that, both proven
    optimality_gap: float | None = 0.0  # proven (bound − found) / bound of the value; None: no bound
    method: str = "senior-set assignment (HiGHS)"
    placement_proven: bool = True  # no grouping places more juniors
    bound: float | None = None  # proven upper bound of the value with this many juniors placed
    stats: dict = field(default_factory=dict, compare=False)

    @property
    def value(self) -> float:
        return float(self.stats.get("value", 0.0))
