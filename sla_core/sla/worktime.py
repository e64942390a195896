"""Work time as organisation settings: business hours and holidays per team, reps away.

Kept as one JSON document in the `setting` table (key "work_time"), beside the org
settings. With no business hours the SLA clocks run around the clock (every hour
counts); with business hours they count working time only, and a "day" of a window is
one business day's worth of working hours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session

from sla_core.i18n.dates import from_parts
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.i18n.numbers import latin_digits
from sla_core.models import User
from sla_core.org import load_document, save_document
from sla_core.periods import Calendar
from sla_core.terms import AgreementContent, MQLDefinition

WORK_TIME_KEY = "work_time"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BusinessHours(_Frozen):
    """The same opening hours on each working weekday (0 = Monday ... 6 = Sunday)."""

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(9, 0)
    end: time = time(17, 0)

    @model_validator(mode="after")
    def _sane(self) -> BusinessHours:
        if not self.weekdays or any(not 0 <= d <= 6 for d in self.weekdays):
            raise ValueError("business hours need working weekdays between 0 (Mon) and 6 (Sun)")
        if self.end <= self.start:
            raise ValueError("business hours must end after they start")
        return self

    @property
    def day_hours(self) -> float:
        """Working hours in one business day."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return (end - start) / 60


class TeamWorkTime(_Frozen):
    """One team's own hours (None: the organisation's) and its extra holidays."""

    team_id: int
    hours: BusinessHours | None = None
    holidays: tuple[date, ...] = ()


class AwayPeriod(_Frozen):
    """A rep away from `start` to `end` (local days, both included): their clocks pause."""

    user_id: int
    start: date
    end: date
    reason: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> AwayPeriod:
        if self.end < self.start:
            raise ValueError("an away period must end on or after its first day")
        return self


class WorkTime(_Frozen):
    """Business hours, holidays (whole organisation and per team) and away periods."""

    hours: BusinessHours | None = None
    holidays: tuple[date, ...] = ()
    teams: tuple[TeamWorkTime, ...] = ()
    away: tuple[AwayPeriod, ...] = Field(default=())

    def for_team(self, team_id: int | None) -> tuple[BusinessHours | None, tuple[date, ...]]:
        """The hours and holidays that apply to a team (the organisation's by default)."""
        for team in self.teams:
            if team.team_id == team_id:
                hours = team.hours if team.hours is not None else self.hours
                return hours, tuple(sorted({*self.holidays, *team.holidays}))
        return self.hours, tuple(sorted(set(self.holidays)))

    def away_of(self, user_id: int) -> tuple[AwayPeriod, ...]:
        """The away periods of one person."""
        return tuple(a for a in self.away if a.user_id == user_id)


@dataclass(frozen=True)
class WorkSetup:
    """What the clocks need beside the agreement: work time, the org's zone, people's teams.

    `mql_history`: the MQL definitions with the instant each came into force, oldest
    first; empty means the agreement's current definition throughout.
    """

    work_time: WorkTime = field(default_factory=WorkTime)
    zone: str = "UTC"
    team_of: Mapping[int, int | None] = field(default_factory=dict)
    mql_history: tuple[tuple[pd.Timestamp, MQLDefinition], ...] = ()
    # the rules each hand-off recorded (lead.handoff_rules_id -> the agreement's content then)
    rules: Mapping[int, AgreementContent] = field(default_factory=dict)


def load_work_time(*, session: Session) -> WorkTime:
    """The stored work time; around the clock, no holidays, nobody away until saved."""
    return load_document(session=session, key=WORK_TIME_KEY, model=WorkTime)


def save_work_time(*, session: Session, work_time: WorkTime, actor: User) -> WorkTime:
    """Store business hours, holidays and away periods (admins only), with an audit entry."""
    return save_document(session=session, key=WORK_TIME_KEY, document=work_time, actor=actor)


_EXAMPLE_DAY = {Calendar.GREGORIAN: "2026-12-25", Calendar.JALALI: "1405/10/04"}


def parse_holidays(text: str, calendar: Calendar = Calendar.GREGORIAN) -> tuple[date, ...]:
    """Holidays written one per line (or comma-separated) as year, month and day of `calendar`
    (YYYY-MM-DD or YYYY/MM/DD, in Latin, Persian or Arabic digits); a bad one is named."""
    found = []
    lines = latin_digits(text).replace("،", "\n").replace(",", "\n").splitlines()
    for number, raw in enumerate(lines, start=1):
        item = raw.strip()
        if not item:
            continue
        try:
            year, month, day = (int(part) for part in re.split(r"[-/]", item))
            found.append(from_parts(year, month, day, calendar))
        except ValueError:
            raise ValueError(
                Message.of(
                    N_("holiday {number} ({item}) is not a date: write {example}"),
                    number=number,
                    item=repr(item),
                    example=_EXAMPLE_DAY[calendar],
                )
            ) from None
    return tuple(sorted(set(found)))


def away_from_rows(rows: list[dict[str, object]]) -> tuple[AwayPeriod, ...]:
    """Away periods from edited table rows (user_id, start, end, reason); blank rows skipped."""
    out = []
    for number, row in enumerate(rows, start=1):
        if all(row.get(k) in (None, "") for k in ("user_id", "start", "end")):
            continue
        try:
            out.append(AwayPeriod.model_validate({k: row.get(k) for k in ("user_id", "start", "end")}
                                                 | {"reason": row.get("reason") or ""}))  # fmt: skip
        except ValueError as exc:
            first = str(exc).splitlines()[-1].strip()
            raise ValueError(f"away period {number}: {first}") from None
    return tuple(out)
