"""The boards' counts kept up to date from the leads each write changed
(`gamification.tally.retally`) equal the counts the board takes over every lead
(`board.slot_counts`), after random sequences of writes; and a board scored from kept
counts is the board scored from the leads."""

from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core import periods
from sla_core.gamification import levels, tally
from sla_core.gamification.board import Slot, compute_boards, slot_counts
from sla_core.gamification.rulebook import PeriodRules
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.reassign import KEPT_COLUMNS, in_order
from tests.slaframes import applied
from tests.test_sla_cohorts import CONTENT, MONTHS, REF, frame, lead

RULES = PeriodRules(CONTENT, 1, 1, True)
# the months of a trend and the quarter that overlaps some of them (two layers)
SPANS = [*MONTHS, periods.quarter_containing(MONTHS[-1].start)]


# A breach a reassignment left with an owner who missed it: (owner, clock, since). Drawn
# with the lead, so a lead's kept breaches change only by a write that stamps it.
missed = st.tuples(
    st.sampled_from([1, 2, 3]),
    st.sampled_from(["disposition", "work", "follow_up"]),
    st.sampled_from(["2026-01-20", "2026-02-10", "2026-03-05", "2025-06-01"]),
)


@st.composite
def marketed(draw: st.DrawFn) -> dict[str, Any]:
    row = draw(lead())
    row["marketer_id"] = draw(st.sampled_from([7, 8, None]))
    row["kept"] = draw(st.lists(missed, max_size=2))
    return row


def kept_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The kept breaches of `rows` (lead ids as `frame` numbers them), as
    `reassign.kept_breaches` gives them."""
    found = [
        {"lead_id": number, "owner_id": owner, "clock": clock, "since": since}
        for number, row in enumerate(rows, start=1)
        for owner, clock, since in row.get("kept", [])
    ]
    out = pd.DataFrame(found, columns=list(KEPT_COLUMNS))
    out["since"] = pd.to_datetime(out["since"], utc=True)
    return in_order(out)


def leads_of(rows: list[dict[str, Any]]) -> pd.DataFrame:
    out = frame(rows)
    out["marketer_id"] = pd.array([r["marketer_id"] for r in rows], dtype="Float64").astype(
        "float64"
    )
    return out


def full(leads: pd.DataFrame, clocks: pd.DataFrame, kept: pd.DataFrame) -> list[tally.SlotCounts]:
    counted = levels.counted_columns(leads)
    extra = pd.Series(dtype="int64")
    return [slot_counts(counted, Slot(p, RULES, extra, clocks, None, kept), REF) for p in SPANS]


def same(
    got: tally.BoardTally, leads: pd.DataFrame, clocks: pd.DataFrame, kept: pd.DataFrame
) -> None:
    for position, want in enumerate(full(leads, clocks, kept)):
        have = got.slot(position)
        pd.testing.assert_frame_equal(have.sales, want.sales)
        pd.testing.assert_frame_equal(have.marketing, want.marketing)
        assert have.last == want.last, SPANS[position].label


Write = tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]
writes = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), marketed()), max_size=4),  # leads changed
    st.lists(marketed(), max_size=3),  # leads added
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(marketed(), min_size=1, max_size=15),
    steps=st.lists(writes, min_size=1, max_size=4),
)
def test_kept_board_counts_equal_counting_again(
    first: list[dict[str, Any]], steps: list[Write]
) -> None:
    rows = list(first)
    leads = leads_of(rows)
    clocks = lead_clocks(leads, CONTENT, REF)
    counted = tally.tally(leads, clocks, SPANS, kept_of(rows))
    same(counted, leads, clocks, kept_of(rows))
    for changes, added in steps:
        delta = applied(rows, changes, added)
        leads = leads_of(rows)
        clocks = lead_clocks(leads, CONTENT, REF)
        take, fresh = delta.fresh_rows(counted.index, leads)
        counted = tally.retally(counted, leads, clocks, take, fresh, kept_of(rows))
        same(counted, leads, clocks, kept_of(rows))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(marketed(), min_size=1, max_size=20))
def test_board_counts_taken_a_few_leads_at_a_time_are_the_same(rows: list[dict[str, Any]]) -> None:
    """At a million leads each lead's share is worked out `sla.tally.CHUNK_ROWS` leads at
    a time: three at a time here, checked against the board's own counts."""
    from unittest import mock

    from sla_core.sla import tally as sla_tally

    leads = leads_of(rows)
    clocks = lead_clocks(leads, CONTENT, REF)
    with mock.patch.object(sla_tally, "CHUNK_ROWS", 3):
        counted = tally.tally(leads, clocks, SPANS, kept_of(rows))
    same(counted, leads, clocks, kept_of(rows))
    whole = tally.shares(leads, clocks, SPANS, kept_of(rows))  # every lead at once
    for name in ("bits", "owner", "marketer", "last"):
        assert (getattr(counted.shares, name) == getattr(whole, name)).all(), name
    for got, want in zip(counted.shares.where, whole.where, strict=True):
        assert all((got[c] == want[c]).all() for c in want)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(marketed(), min_size=1, max_size=20))
def test_a_board_from_kept_counts_is_the_board_from_the_leads(rows: list[dict[str, Any]]) -> None:
    leads = leads_of(rows)
    clocks = lead_clocks(leads, CONTENT, REF)
    people = pd.DataFrame(
        {
            "id": pd.Series([1, 2, 3, 7, 8], dtype="int64"),
            "name": ["Ann", "Bo", "Cy", "Di", "Ed"],
            "role": ["sales_rep", "sales_rep", "sales_rep", "marketer", "marketer"],
            "team_id": pd.Series([1, 1, 2, None, None], dtype="Int64"),
            "team": ["North", "North", "South", None, None],
            "joined_at": pd.to_datetime(["2025-01-01"] * 5, utc=True),
        }
    )
    extra = pd.Series(dtype="int64")
    missed = kept_of(rows)
    slots = [Slot(p, RULES, extra, clocks, None, missed) for p in SPANS]
    kept = tally.tally(leads, clocks, SPANS, missed)
    counts = [kept.slot(i) for i in range(len(SPANS))]
    got = compute_boards(leads, people, slots, REF, counts)
    want = compute_boards(leads, people, slots, REF)
    for a, b in zip(got, want, strict=True):
        pd.testing.assert_frame_equal(a.people, b.people)
        pd.testing.assert_frame_equal(a.teams, b.teams)
        pd.testing.assert_frame_equal(a.scored, b.scored)
        assert a.settles_at == b.settles_at


def test_overlapping_periods_go_in_separate_layers() -> None:
    assert tally.layers(SPANS) == [[0, 1, 2, 3], [4]]
