"""Counts kept up to date from the leads each write changed (`tally.retally`) equal the
counts taken again over every lead (`tally.tally`), after random sequences of writes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core.sla import tally, views
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.levels import levels_by_scope
from sla_core.store.snapshot import Shared
from tests.slaframes import applied
from tests.test_sla_cohorts import CONTENT, MONTHS, REF, WEEKS, frame, lead

Write = tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]
writes = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), lead()), max_size=4),  # leads changed
    st.lists(lead(), max_size=3),  # leads added
)


def in_scope(leads: pd.DataFrame) -> np.ndarray:
    """A scope a write can move leads in and out of (as a change of owner does)."""
    return np.asarray(leads["engagement"].to_numpy() == 80)


def view_of(leads: pd.DataFrame, mine: bool) -> pd.DataFrame:
    """All leads, or one owner's (leads leave it when they change hands)."""
    return leads[leads["owner_id"] == 1] if mine else leads


def same(got: tally.Tally, want: tally.Tally) -> None:
    pd.testing.assert_frame_equal(got.table, want.table)
    assert list(got.index) == list(want.index)
    assert (got.bits == want.bits).all()
    for column, where in want.where.items():
        assert (got.where[column] == where).all(), column


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(lead(), min_size=1, max_size=15),
    steps=st.lists(writes, min_size=1, max_size=4),
    mine=st.booleans(),
    weeks=st.booleans(),
)
def test_kept_counts_equal_counting_again(
    first: list[dict[str, Any]], steps: list[Write], mine: bool, weeks: bool
) -> None:
    spans = WEEKS if weeks else MONTHS
    rows = list(first)
    shared = Shared("0", frame(rows))
    view = view_of(shared.frame, mine)
    counted = tally.tally(view, lead_clocks(view, CONTENT, REF), spans, in_scope(view))
    for step, (changes, added) in enumerate(steps, start=1):
        delta = applied(rows, changes, added)
        shared = Shared(str(step), frame(rows), before=shared, delta=delta)
        view = view_of(shared.frame, mine)
        clocks = lead_clocks(view, CONTENT, REF)
        take, fresh = shared.fresh_rows(counted.index, view)
        scope = in_scope(view.iloc[fresh])
        counted = tally.retally(counted, view, clocks, take, fresh, scope)
        same(counted, tally.tally(view, clocks, spans, in_scope(view)))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(lead(), min_size=1, max_size=20), month=st.integers(0, len(MONTHS) - 1))
def test_the_leads_behind_a_gauge_read_from_the_counts_are_the_same(
    first: list[dict[str, Any]], month: int
) -> None:
    leads = frame(first)
    clocks = lead_clocks(leads, CONTENT, REF)
    period, scope = MONTHS[month], in_scope(leads)
    counted = tally.tally(leads, clocks, [period], scope)
    for level in views.BEHIND:
        got = views.leads_behind(leads, clocks, period, level, scope, counted)
        pd.testing.assert_frame_equal(got, views.leads_behind(leads, clocks, period, level, scope))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(lead(), min_size=1, max_size=15),
    steps=st.lists(writes, min_size=1, max_size=4),
    month=st.integers(0, len(MONTHS) - 1),
)
def test_counts_per_owner_kept_lead_by_lead_equal_the_levels_counted_again(
    first: list[dict[str, Any]], steps: list[Write], month: int
) -> None:
    """The Compliance page's "All reps" counts (`tally.by_owner`, then `rebyowner` after each
    write) give what `levels_by_scope` gives counting every lead again."""
    period = MONTHS[month]
    team_of = {1: 10, 2: 10, 3: 20}
    rows = list(first)
    shared = Shared("0", frame(rows))
    counted = tally.by_owner(shared.frame, lead_clocks(shared.frame, CONTENT, REF), period)
    for step, (changes, added) in enumerate(steps, start=1):
        delta = applied(rows, changes, added)
        shared = Shared(str(step), frame(rows), before=shared, delta=delta)
        view = shared.frame
        clocks = lead_clocks(view, CONTENT, REF)
        take, fresh = shared.fresh_rows(counted.index, view)
        counted = tally.rebyowner(counted, view, clocks, take, fresh)
        kept = levels_by_scope(view, CONTENT, period, REF, team_of=team_of, clocks=clocks,
                               counted=counted)  # fmt: skip
        again = levels_by_scope(view, CONTENT, period, REF, team_of=team_of, clocks=clocks)
        for got, want in ((kept.reps, again.reps), (kept.teams, again.teams),
                          (kept.everyone, again.everyone)):  # fmt: skip
            pd.testing.assert_frame_equal(got[list(want.columns)], want, check_names=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(lead(), min_size=1, max_size=20), weeks=st.booleans())
def test_counting_a_few_leads_at_a_time_gives_the_same_counts(
    first: list[dict[str, Any]], weeks: bool
) -> None:
    """At a million leads the counts are taken `CHUNK_ROWS` leads at a time (each lead's
    share is its own): three at a time here, against every lead at once."""
    from unittest import mock

    spans = WEEKS if weeks else MONTHS
    leads = frame(first)
    clocks = lead_clocks(leads, CONTENT, REF)
    whole = tally.tally(leads, clocks, spans, in_scope(leads))
    owners = tally.by_owner(leads, clocks, MONTHS[0])
    with mock.patch.object(tally, "CHUNK_ROWS", 3):
        assert len(tally.chunks(len(leads))) == -(-len(leads) // 3)
        same(tally.tally(leads, clocks, spans, in_scope(leads)), whole)
        chunked = tally.by_owner(leads, clocks, MONTHS[0])
    assert (chunked.counts == owners.counts).all() and (chunked.slots == owners.slots).all()
    assert (chunked.bits == owners.bits).all()
    for column, where in owners.where.items():
        assert (chunked.where[column] == where).all(), column
