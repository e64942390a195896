"""The workshop's last quarter kept per lead (`quarter.carried`, through the snapshot's memo)
gives what a full `figures.last_quarter` gives, after random writes and minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core.access import PermissionDenied
from sla_core.agreement import figures, quarter
from sla_core.models import Role, User
from sla_core.periods import Calendar, Period, quarter_containing, shift
from sla_core.sla.worktime import WorkSetup
from sla_core.stages import Stage
from sla_core.store.snapshot import Shared
from sla_core.terms import AgreementContent, Windows
from tests.slaframes import applied, sla_frame

CONTENT = AgreementContent(windows=Windows(disposition_hours=48, work_within_days=5))
SETUP = WorkSetup()
# the first days of 2026-Q1: leads handed off late in 2025-Q4 still have running clocks
REF = datetime(2026, 1, 1, 10, tzinfo=UTC)
START = datetime(2025, 9, 20, tzinfo=UTC)
EDGES = ("2025-10-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00")
ADMIN = User(id=1, username="admin", name="Admin", role=Role.ADMIN)


def last_of(ref: datetime) -> Period:
    """The quarter before the one `ref` falls in (UTC, Gregorian)."""
    return shift(quarter_containing(ref), -1)


def late() -> st.SearchStrategy[str]:
    """The quarter's last hours: a disposition clock started then still runs at `REF`."""
    return st.integers(0, 36 * 60).map(
        lambda m: (datetime(2025, 12, 30, 12, tzinfo=UTC) + timedelta(minutes=m)).isoformat()
    )


def instant() -> st.SearchStrategy[str | None]:
    hours = st.integers(0, 24 * 110).map(lambda h: (START + timedelta(hours=h)).isoformat())
    return st.one_of(st.none(), hours, late(), st.sampled_from(EDGES))


@st.composite
def lead(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {
        column: draw(instant())
        for column in ("mql_at", "first_touch_at", "sql_at", "opportunity_at", "closed_at")
    }
    row["assigned_at"] = draw(st.one_of(late(), instant()))
    row["dispositioned_at"] = draw(st.one_of(st.none(), instant()))  # often none: running
    if draw(st.booleans()):
        row["sql_at"] = None
    row["stage"] = draw(st.sampled_from([s.value for s in Stage]))
    row["touches"] = draw(st.integers(0, 4))
    row["owner_id"] = draw(st.sampled_from([1, 2, 3, None]))
    row["marketer_id"] = draw(st.sampled_from([7, 8, None]))
    row["engagement"] = draw(st.sampled_from([80, 5]))  # 5: exempt (below the threshold)
    return row


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = sla_frame(rows)
    out["marketer_id"] = out["marketer_id"].astype("Int64")
    out["stage"] = out["stage"].astype("category")
    return out.assign(id=range(1, len(out) + 1))


@st.composite
def kept(draw: st.DrawFn, leads: int) -> pd.DataFrame:
    """Breaches reassignments left with previous owners, of some of the leads."""
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(1, max(leads, 1)),
                st.sampled_from([1, 2, None]),
                st.sampled_from(["disposition", "work", "follow_up"]),
                instant().filter(lambda at: at is not None),
            ),
            max_size=4,
        )
    )
    out = pd.DataFrame(rows, columns=["lead_id", "owner_id", "clock", "since"])
    out["since"] = pd.to_datetime(out["since"], utc=True, format="ISO8601")
    return out


# a step: the leads changed (position, new row) and added, or None (no write), and the
# minutes gone by before the page runs again
Write = tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]] | None
steps = st.lists(
    st.tuples(
        st.one_of(
            st.none(),
            st.tuples(
                st.lists(st.tuples(st.integers(0, 10**6), lead()), max_size=4),
                st.lists(lead(), max_size=3),
            ),
        ),
        st.sampled_from([0, 0, 1, 60, 60 * 9, 60 * 24, 60 * 24 * 3, 60 * 24 * 95]),
    ),
    min_size=1,
    max_size=5,
)


def written(shared: Shared, rows: list[dict[str, Any]], write: Write, step: int) -> Shared:
    """The next revision's snapshot after `write` (rows changed in place, rows added)."""
    assert write is not None
    changes, added = write
    delta = applied(rows, changes, added)
    return Shared(str(step), frame(rows), before=shared, delta=delta)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(lead(), min_size=1, max_size=15), moves=steps, data=st.data())
def test_the_shares_carried_forward_equal_the_full_last_quarter(
    first: list[dict[str, Any]], moves: list[tuple[Write, int]], data: st.DataObject
) -> None:
    rows = list(first)
    ref = REF
    shared = Shared("0", frame(rows))
    period = figures.last_quarter(shared.frame, ref=ref).period
    shares = quarter.counted(shared.frame, last_of(ref), CONTENT, ref, SETUP)
    for step, (write, minutes) in enumerate(moves, start=1):
        changed = np.zeros(0, dtype=np.int64)
        if write is not None:
            shared = written(shared, rows, write, step)
            assert shared.delta is not None
            changed = shared.delta.positions
        ref += timedelta(minutes=minutes)
        if last_of(ref) != shares.period:
            break  # another quarter: counted afresh (the memo test goes there)
        shares = quarter.carried(shares, shared.frame, changed, CONTENT, ref, SETUP)
        breaches = data.draw(kept(len(rows)))
        got = figures.history_of(shares.period, quarter.counts(shares, breaches))
        want = figures.last_quarter(
            shared.frame, ref=ref, content=CONTENT, setup=SETUP, kept=breaches
        )
        assert got == want
        assert got.period == period


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(lead(), min_size=1, max_size=12), moves=steps, data=st.data())
def test_the_memo_brings_the_last_quarter_forward_and_counts_afresh_only_when_it_must(
    first: list[dict[str, Any]], moves: list[tuple[Write, int]], data: st.DataObject
) -> None:
    """The page's path: the shared snapshot's memo, a write carried by `update`, a new
    minute by `earlier` (of this revision, or of the previous one with its delta). Every
    lead is counted afresh only the first time and when the quarter changed."""
    rows = list(first)
    ref = REF
    shared = Shared("0", frame(rows))
    breaches = [data.draw(kept(len(rows)))]
    afresh = mock.Mock(wraps=quarter.counted)

    def history() -> figures.History:
        with (
            mock.patch.object(figures, "kept_of", lambda **_: breaches[0]),
            mock.patch.object(quarter, "counted", afresh),
        ):
            return figures.memo_last_quarter(
                shared.frame, actor=ADMIN, memo=shared.memo, ref=ref, content=CONTENT,
                setup=SETUP, calendar=Calendar.GREGORIAN, session=mock.Mock(),
                earlier=shared.earlier, delta=shared.delta,
            )  # fmt: skip

    def want() -> figures.History:
        return figures.last_quarter(
            shared.frame, ref=ref, content=CONTENT, setup=SETUP, kept=breaches[0]
        )

    assert history() == want()
    quarters = {last_of(ref)}
    for step, (write, minutes) in enumerate(moves, start=1):
        if write is not None:
            shared = written(shared, rows, write, step)
            breaches[0] = data.draw(kept(len(rows)))  # a write may leave a breach
        ref += timedelta(minutes=minutes)
        quarters.add(last_of(ref))
        assert history() == want()
        assert history() == want()  # a rerun: the memo's value
        assert afresh.call_count == len(quarters)


def test_a_rep_may_not_read_the_organisations_last_quarter() -> None:
    rep = User(id=2, username="rep", name="Rep", role=Role.SALES_REP)
    shared = Shared("0", frame([{"assigned_at": "2025-12-01T10:00:00+00:00"}]))
    with pytest.raises(PermissionDenied):
        figures.memo_last_quarter(
            shared.frame, actor=rep, memo=shared.memo, ref=REF, content=CONTENT, setup=SETUP,
            calendar=Calendar.GREGORIAN, session=mock.Mock(), earlier=shared.earlier,
        )  # fmt: skip
