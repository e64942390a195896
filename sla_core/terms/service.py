"""How service levels are judged: at-risk share, targets, gauge bands and reminders."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from sla_core.terms.base import Frozen


class Band(Frozen):
    """Gauge colours of one service level, as attainment of its target in percent.

    Green from `green` % of the target, amber from `amber` %, red below. For a level whose
    goal is zero (MQLs left unworked) the figures are the most allowed: green up to
    `green`, amber up to `amber`, red above.
    """

    green: Decimal = Field(default=Decimal("100"), ge=0)
    amber: Decimal = Field(default=Decimal("80"), ge=0)


def _unworked_band() -> Band:
    return Band(green=Decimal("0"), amber=Decimal("2"))


class Bands(Frozen):
    """Green/amber/red bands per service level (see Band)."""

    disposition: Band = Field(default_factory=lambda: Band(amber=Decimal("90")))
    worked: Band = Field(default_factory=lambda: Band(amber=Decimal("90")))
    follow_up: Band = Field(default_factory=Band)
    conversion: Band = Field(default_factory=Band)
    opportunities: Band = Field(default_factory=Band)
    unworked: Band = Field(default_factory=_unworked_band)
    mql_volume: Band = Field(default_factory=Band)


class Reminders(Frozen):
    """The reminder ladder: the rep at these shares of a window, rep and manager at breach."""

    rep_at_pct: tuple[Decimal, ...] = (Decimal("50"), Decimal("75"))
    manager_at_breach: bool = True
    reassign_after_hours: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _shares(self) -> Reminders:
        if any(not Decimal(0) < p < Decimal(100) for p in self.rep_at_pct):
            raise ValueError("reminder steps are shares of the window between 0 and 100 %")
        return self


class ServicePolicy(Frozen):
    """How the service levels are judged: at-risk share, targets, bands, reminders."""

    at_risk_pct: Decimal = Field(default=Decimal("75"), gt=0, lt=100)
    disposition_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    worked_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    follow_up_target_pct: Decimal = Field(default=Decimal("100"), ge=0, le=100)
    bands: Bands = Field(default_factory=Bands)
    reminders: Reminders = Field(default_factory=Reminders)
