"""Point rules: the service levels points are earned on, with bonus tiers and penalties."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, model_validator

from sla_core.terms.base import Frozen


class PointLevel(StrEnum):
    """The service levels points are earned on (sales' first, then marketing's)."""

    DISPOSITION = "disposition"
    WORKED = "worked"
    FOLLOW_UP = "follow_up"
    CONVERSION = "conversion"
    OPPORTUNITIES = "opportunities"
    MQL_VOLUME = "mql_volume"
    ACCEPTANCE = "acceptance"


MARKETING_LEVELS = frozenset({PointLevel.MQL_VOLUME, PointLevel.ACCEPTANCE})


class BonusTier(Frozen):
    """Extra points once percent-to-goal reaches `at_pct` (only the highest tier reached pays)."""

    at_pct: Decimal = Field(gt=100)
    points: int = Field(ge=0)


class LevelRule(Frozen):
    """Points for one service level: `met` at 100 % of goal, tiers above, `penalty` below."""

    level: PointLevel
    met: int = Field(default=10, ge=0)
    tiers: tuple[BonusTier, ...] = ()
    penalty: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _tiers_rise(self) -> LevelRule:
        marks = [t.at_pct for t in self.tiers]
        if marks != sorted(set(marks)):
            raise ValueError(f"{self.level.value}: bonus tiers must rise, each above the last")
        return self


class PointRules(Frozen):
    """Gamification: points per service level met or exceeded in a period.

    `levels` None (every version saved before per-level rules) scores every level with the
    flat `met` / `exceeded` / `missed_penalty` numbers. Penalties are the stick: they only
    count when `stick` is on. A level is scored for a person only when at least
    `min_load` leads were due on it, so one lucky lead earns nothing.
    """

    met: int = 10
    exceeded: int = 5
    exceeded_by_pct: Decimal = Decimal("10.0")
    missed_penalty: int = 0
    levels: tuple[LevelRule, ...] | None = None
    stick: bool = False
    min_load: int = Field(default=1, ge=1)

    @model_validator(mode="after")
    def _one_rule_per_level(self) -> PointRules:
        if self.levels is not None:
            names = [rule.level for rule in self.levels]
            if len(names) != len(set(names)):
                raise ValueError("each service level may have only one point rule")
        return self

    def rules(self) -> tuple[LevelRule, ...]:
        """The per-level rules in force (the flat numbers spread over every level if none)."""
        if self.levels is not None:
            return self.levels
        tiers = (
            (BonusTier(at_pct=Decimal(100) + self.exceeded_by_pct, points=self.exceeded),)
            if self.exceeded_by_pct > 0
            else ()
        )
        return tuple(
            LevelRule(level=level, met=self.met, tiers=tiers, penalty=self.missed_penalty)
            for level in PointLevel
        )

    def penalties_apply(self) -> bool:
        """The stick: on when chosen, or in an old version that set a missed penalty."""
        return self.stick or (self.levels is None and self.missed_penalty > 0)
