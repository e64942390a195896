"""Reading what a board needs from the database: the players, the rules, the adjustments.

Long because the boards' inputs and the memo entries kept from them per data revision
(each rules version's clocks and counts, brought up to date after a write) must agree on
their keys and stamps, so they live together."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.clock import now
from sla_core.gamification import adjustments, levels, tally
from sla_core.gamification.board import Board, Slot, compute_boards, slot_counts
from sla_core.gamification.rulebook import PeriodRules, rules_for
from sla_core.gamification.tally import BoardTally, SlotCounts
from sla_core.models import Team, User
from sla_core.periods import Period, PeriodKind, make_period, shift
from sla_core.sla import reassign, shared_clocks
from sla_core.sla.context import load_setup
from sla_core.sla.shared_clocks import Clocked
from sla_core.sla.worktime import WorkSetup
from sla_core.store.memo import Memo as Memo  # the memo's one definition, for callers
from sla_core.store.memo import no_memo as no_memo
from sla_core.store.snapshot import Delta, Shared

PEOPLE_COLUMNS = ["id", "name", "role", "team_id", "team", "joined_at"]
# `Shared.memo` of the data revision `leads` is the whole snapshot of: what is derived
# from the leads alone is computed once per revision and key (see `sla_core.store.snapshot`).


def first_leads(leads: pd.DataFrame) -> pd.Series:
    """Per person id: when the first lead they owned or produced was created."""
    first = pd.concat(
        [
            leads.groupby("owner_id")["created_at"].min(),
            leads.groupby("marketer_id")["created_at"].min(),
        ]
    )
    first = first.groupby(level=0).min()
    first.index = first.index.astype("int64")
    return first


def players(*, session: Session, leads: pd.DataFrame, memo: Memo = no_memo) -> pd.DataFrame:
    """Everyone who can be on a board: id, name, role, team and when they joined.

    Joined = the earlier of the account's creation and the first lead they worked or
    produced, so people imported with years of history are not treated as newcomers.
    `memo`: the shared snapshot's memo when `leads` is that whole snapshot.
    """
    teams = {t.id: t.name for t in session.exec(select(Team)).all()}
    users = session.exec(select(User).order_by(col(User.id))).all()
    frame = pd.DataFrame(
        {
            "id": pd.Series([u.id for u in users], dtype="int64"),
            "name": [u.name for u in users],
            "role": [str(u.role) for u in users],
            "team_id": pd.Series([u.team_id for u in users], dtype="Int64"),
            "team": [teams.get(u.team_id) for u in users],
            "joined_at": pd.to_datetime([u.created_at for u in users], utc=True),
        },
        columns=PEOPLE_COLUMNS,
    )
    first = memo(  # a touch leaves it: only new leads, owners and creation dates move it
        ("gamification.first_leads",),
        lambda: first_leads(leads),
        reads=("owner_id", "marketer_id", "created_at"),
    )
    # reindex, not map: map casts through float64 when nobody has a lead yet (an empty
    # `first`) and fails on a fresh database.
    earliest = first.reindex(frame["id"].to_numpy()).set_axis(frame.index)
    frame["joined_at"] = frame["joined_at"].where(
        earliest.isna() | (frame["joined_at"] <= earliest), earliest
    )
    return frame


def _year_month(period: Period) -> tuple[int, int]:
    year, quarter = period.label.split("-Q")
    return int(year), (int(quarter) - 1) * 3 + 1


def period_adjustments(*, session: Session, period: Period) -> pd.DataFrame:
    """The adjustments that count in `period` (a quarter's include its months')."""
    months = [] if period.kind is PeriodKind.MONTH else [_month(period, s) for s in range(3)]
    frames = [adjustments.adjustments_for(session=session, period=p) for p in [period, *months]]
    return pd.concat(frames, ignore_index=True)


def _month(period: Period, step: int) -> Period:
    first = make_period(
        *_year_month(period), PeriodKind.MONTH, zone=period.zone, calendar=period.calendar
    )
    return shift(first, step)


def work_setup(*, session: Session, people: pd.DataFrame | None = None) -> WorkSetup:
    """What the SLA clocks need beside the agreement, read as the Compliance page reads it
    (`sla.context.load_setup`: work time, the org's zone, teams and the MQL definitions in
    force at each hand-off), so the points are earned on the levels every page shows."""
    return load_setup(session=session)


@dataclass(frozen=True)
class Inputs:
    """Everything boards read from the database, read once for several periods."""

    leads: pd.DataFrame
    people: pd.DataFrame
    setup: WorkSetup
    ref: pd.Timestamp
    # the breaches reassignments left with the owners who missed them (`kept_of`)
    kept: pd.DataFrame | None = None
    # the shared snapshot `leads` is the whole of: figures kept in its memo per revision,
    # and the clocks every page reads (`shared_clocks.clocked`)
    shared: Shared | None = None

    @property
    def memo(self) -> Memo:
        return no_memo if self.shared is None else self.shared.memo


def kept_of(*, session: Session, leads: pd.DataFrame, memo: Memo = no_memo) -> pd.DataFrame:
    """The breaches reassignments left with the owners who missed them
    (`reassign.kept_breaches`, what Compliance counts): with a shared snapshot the entry
    every page reads (`reassign.kept_of`). `leads`: the whole snapshot when `memo` is its memo."""
    return reassign.kept_of(session=session, leads=leads, memo=memo)


def inputs(
    *,
    session: Session,
    leads: pd.DataFrame,
    at: datetime | None = None,
    shared: Shared | None = None,
) -> Inputs:
    """Read the players, the work-time setup and the kept breaches once; `at` is the
    instant counted up to.

    `shared`: the shared snapshot when `leads` is its whole frame (then the leads in
    `Inputs` are shared by every session: never write into them): what is derived from the
    leads is kept in its memo, and the clocks are the ones every page reads.
    """
    memo = no_memo if shared is None else shared.memo
    people = players(session=session, leads=leads, memo=memo)
    setup = work_setup(session=session, people=people)
    kept = kept_of(session=session, leads=leads, memo=memo)
    ref = pd.Timestamp(at or now())
    return Inputs(leads, people, setup, ref, kept, shared)


def clocks_of(data: Inputs, rules: PeriodRules) -> pd.DataFrame:
    """Every lead's clocks under `rules` (`shared_clocks.clocks_for`)."""
    return clocked_of(data, rules).frame


def clocked_of(data: Inputs, rules: PeriodRules) -> Clocked:
    """`clocks_of`, numbered (what a tally kept from them checks it follows): with a shared
    snapshot the entry every page reads (`shared_clocks.clocked`: the Compliance page's
    clocks, kept per minute, after a write judged again for the changed leads only), else
    judged at `data.ref`."""
    if data.shared is not None:
        shared = data.shared
        return shared_clocks.clocked(shared, None, shared.frame, rules.content, data.setup)
    ref = data.ref.to_pydatetime()
    frame = shared_clocks.clocks_for(data.leads, rules.content, ref, data.setup)
    return Clocked(frame, 0, None, ref)


def _clock_key(data: Inputs, rules: PeriodRules) -> tuple[Hashable, ...]:
    setup = data.setup
    return (
        rules.content.model_dump_json(),
        setup.work_time.model_dump_json(),
        setup.zone,
        tuple((str(at), d.model_dump_json()) for at, d in setup.mql_history),
    )


@dataclass(frozen=True)
class _Kept:
    """A board tally, the number of the clocks it was counted with, and what a board reads
    of it (each period's counts framed, and their name), framed once per tally."""

    tally: BoardTally
    clocks: int
    slots: list[SlotCounts]
    digest: str

    @staticmethod
    def of(counted: BoardTally, clocks: int, before: _Kept | None = None) -> _Kept:
        """`before`: the counts this was brought up to date from; a span whose counts a
        write left as they were keeps its slot (framing each costs more than the count)."""
        slots = [
            before.slots[i]
            if before is not None and counted.same_span(before.tally, i)
            else counted.slot(i)
            for i in range(len(counted.spans))
        ]
        return _Kept(counted, clocks, slots, counted.digest())


def counts_of(
    data: Inputs, rules: PeriodRules, periods: list[Period]
) -> tuple[list[SlotCounts], str | None]:
    """Each of `periods`' `board.slot_counts` under `rules`: with a shared snapshot kept in
    its memo per minute, and after a write brought up to date from the changed leads only
    (`gamification.tally`); without one, counted from the leads (`board.slot_counts`).
    Also a name for the counts when they are kept (`BoardTally.digest`), else None."""
    clocked = clocked_of(data, rules)
    if data.shared is None:
        counted = levels.counted_columns(data.leads)
        ref = data.ref.to_pydatetime()
        slots = [
            Slot(p, rules, pd.Series(dtype="int64"), clocked.frame, None, data.kept)
            for p in periods
        ]
        return [slot_counts(counted, slot, ref) for slot in slots], None

    def compute() -> _Kept:
        return _Kept.of(tally.tally(data.leads, clocked.frame, periods, data.kept), clocked.serial)

    def update(old: _Kept, delta: Delta) -> _Kept:
        if clocked.parent != old.clocks:  # not the clocks it was counted with: count again
            return compute()
        take, rows = delta.fresh_rows(old.tally.index, data.leads)
        counted = tally.retally(old.tally, data.leads, clocked.frame, take, rows, data.kept)
        return _Kept.of(counted, clocked.serial, old)

    key = (
        "gamification.board_tally",
        *_clock_key(data, rules),
        tuple((p.label, p.kind.value, p.zone, str(p.calendar)) for p in periods),
    )
    kept: _Kept = data.memo(key, compute, stamp=Batch.stamp(data), update=update)
    if kept.clocks != clocked.serial:  # the clocks were counted again meanwhile
        kept = compute()
    return kept.slots, kept.digest


@dataclass(frozen=True)
class Batch:
    """What scoring several periods reads from the database: each one's rules and bonuses."""

    periods: list[Period]
    rules: list[PeriodRules]
    extras: list[pd.Series]

    def key(self, data: Inputs) -> tuple[Hashable, ...]:
        """Everything the boards of `data` and this batch depend on beside the leads and
        the instant counted up to (see `stamp`), as a memo key."""
        setup = data.setup
        return (
            tuple((p.label, p.kind.value, p.zone, str(p.calendar)) for p in self.periods),
            tuple((r.version_id, r.frozen, r.content.model_dump_json()) for r in self.rules),
            tuple(tuple(e.items()) for e in self.extras),
            data.people.to_json(orient="split", date_format="iso", date_unit="us"),
            setup.work_time.model_dump_json(),
            setup.zone,
            tuple((str(at), d.model_dump_json()) for at, d in setup.mql_history),
        )

    @staticmethod
    def stamp(data: Inputs) -> int:
        """The minute of the instant counted up to: boards a minute old are scored again."""
        return int(data.ref.timestamp() // 60)


def read_batch(*, session: Session, periods: list[Period]) -> Batch:
    """The rules and the adjustments of each period (a few small queries)."""
    rules = [rules_for(session=session, period=period) for period in periods]
    extras = [
        adjustments.points_by_person(period_adjustments(session=session, period=period))
        for period in periods
    ]
    return Batch(periods, rules, extras)


def boards_for(*, session: Session, data: Inputs, periods: list[Period]) -> list[Board]:
    """The boards of several periods, scored together; clocks run once per rules version."""
    return score_batch(data, read_batch(session=session, periods=periods))


@dataclass(frozen=True)
class Counted:
    """What a batch's boards are scored from: each period's counts, and a name for them
    (None when the counts are not kept in a memo)."""

    counts: list[SlotCounts]
    digest: str | None


def count_batch(data: Inputs, batch: Batch) -> Counted:
    """Each period's counts, the periods of one rules version counted together."""
    periods = batch.periods
    counts: list[SlotCounts | None] = [None] * len(periods)
    versions: dict[int, list[int]] = {}
    names: list[str | None] = []
    for position, rules in enumerate(batch.rules):
        versions.setdefault(rules.version_id, []).append(position)
    for positions in versions.values():
        rules = batch.rules[positions[0]]
        found, name = counts_of(data, rules, [periods[i] for i in positions])
        names.append(name)
        for position, each in zip(positions, found, strict=True):
            counts[position] = each
    digest = None if None in names else "-".join(str(n) for n in names)
    return Counted([c for c in counts if c is not None], digest)


def score_batch(data: Inputs, batch: Batch, counted: Counted | None = None) -> list[Board]:
    """The boards of a batch's periods (pure; the costly part, see `Batch.key`): each
    rules version's periods counted together (`count_batch`, unless `counted` gives
    them), then scored and ranked (`board.compute_boards`)."""
    counted = counted or count_batch(data, batch)
    slots = [
        Slot(period, rules, extra, clocks_of(data, rules), None, data.kept)
        for period, rules, extra in zip(batch.periods, batch.rules, batch.extras, strict=True)
    ]
    ref = data.ref.to_pydatetime()
    return compute_boards(data.leads, data.people, slots, ref, counted.counts)


def board_for(
    *, session: Session, leads: pd.DataFrame, period: Period, at: datetime | None = None
) -> Board:
    """The board of `period`, counted up to `at` (default now)."""
    data = inputs(session=session, leads=leads, at=at)
    return boards_for(session=session, data=data, periods=[period])[0]
