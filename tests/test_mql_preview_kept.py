"""The criteria preview kept past writes (`preview.prepared`/`compared` carrying their memo
entries: kept, rebased, recounted) equals the preview prepared and counted again from every
lead, after random sequences of writes of every kind."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla_core.marketing import preview, profiles
from sla_core.models import Role, User
from sla_core.periods import Calendar
from sla_core.store.snapshot import Delta, Shared
from sla_core.terms import Criterion, CriterionField, MQLDefinition
from tests.test_mql_preview import DEF

F = CriterionField
MANAGER = User(id=4, username="mm", name="Marketing", role=Role.MARKETING_MANAGER, active=True)
MARKETERS = ((7, "Mia"), (8, "Omar"), (10, "Mia"))  # two marketers of one name
TEXT = (F.INDUSTRY, F.DEPARTMENT, F.JOB_TITLE, F.TECHNOGRAPHICS)
VALUES: dict[str, list[Any]] = {
    "industry": ["Software", " software ", "Retail", "Mining", "", None],
    "department": ["IT", "Sales", "HR", None],
    "job_title": ["VP Sales", "Intern", "Head of IT", "CEO", "Sales VP", None],
    "technographics": ["HubSpot", "Salesforce; Slack", None],
    "company_size": [10, 60, 100, 500, 5000, None],
    "engagement": [0, 10, 50, 80, 90, None],
    "source": ["Web", "Event", "(none)", None],  # a source named like the missing one
    "marketer_id": [7, 8, 9, 10, None],  # 9: no name (a marketer since gone)
    "created_at": pd.to_datetime(
        [
            "2026-04-30T22:30Z",
            "2026-05-03T00:00Z",
            "2026-05-31T21:00Z",
            "2026-06-15T00:00Z",
            "2026-07-01T00:00Z",
        ],
        utc=True,
    ).tolist(),
    "stage": ["lead", "mql", "sql"],  # read by nothing here: a write of it keeps the preview
}
IN_FORCE = DEF  # the preview tests' definition in force
PROPOSAL = MQLDefinition(
    criteria=(
        Criterion(field=F.INDUSTRY, weight=20, accepted=("Retail", "Mining", "Fresh")),
        Criterion(field=F.DEPARTMENT, weight=20, accepted=("IT",)),
        Criterion(field=F.TECHNOGRAPHICS, weight=20, accepted=("Slack", "Novel")),
        Criterion(field=F.ENGAGEMENT, weight=40, maximum=60),
    ),
    threshold=40,
)
# values no lead held at first: a write brings them in
NEW = {"industry": "Fresh", "technographics": "Novel; Slack", "source": "Partner"}


def lead() -> st.SearchStrategy[dict[str, Any]]:
    fields = {name: st.sampled_from(values) for name, values in VALUES.items()}
    return st.fixed_dictionaries(fields)


def change() -> st.SearchStrategy[dict[str, Any]]:
    """A write to some of one lead's columns (a value never seen before among them)."""
    names = [*VALUES, *NEW]
    pick = st.sampled_from(names).flatmap(
        lambda name: st.tuples(
            st.just(name),
            st.sampled_from([NEW[name]]) if name in NEW else st.sampled_from(VALUES[name]),
        )
    )
    return st.lists(pick, min_size=1, max_size=3).map(dict)


def frame(rows: list[dict[str, Any]], categories: bool) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=list(VALUES))
    out["id"] = np.arange(1, len(out) + 1)
    out["marketer_id"] = out["marketer_id"].astype("Int64")
    out["created_at"] = pd.to_datetime(out["created_at"], utc=True)
    for name in ("company_size", "engagement"):
        out[name] = out[name].astype("float64")
    kinds = ("industry", "department", "job_title", "technographics", "source", "stage")
    for name in kinds:
        out[name] = out[name].astype("category" if categories else "string")
    return out


def decoded(values: np.ndarray, codes: np.ndarray) -> list[Any]:
    return [None if c < 0 or pd.isna(values[c]) else values[c] for c in codes]


def same_base(got: profiles.ProfileBase, want: profiles.ProfileBase) -> None:
    """The same leads' values, counts and first appearances, whatever the order of codes."""
    assert got.size == want.size
    for criterion in TEXT:
        (codes, uniques), (codes_w, uniques_w) = got.text[criterion], want.text[criterion]
        values = uniques.to_numpy(dtype=object)
        assert decoded(values, codes) == decoded(uniques_w.to_numpy(dtype=object), codes_w)
        held = got.counts[criterion] > 0
        assert dict(zip(values[held], got.counts[criterion][held], strict=True)) == dict(
            zip(uniques_w.to_numpy(dtype=object), want.counts[criterion], strict=True)
        )
        assert dict(zip(values[held], got.first[criterion][held], strict=True)) == dict(
            zip(uniques_w.to_numpy(dtype=object), want.first[criterion], strict=True)
        )
        assert (got.counts[criterion] >= 0).all()
        for limit in (1, 300):
            assert profiles.present_values(got, criterion, limit) == profiles.present_values(
                want, criterion, limit
            )
    for criterion in (F.COMPANY_SIZE, F.ENGAGEMENT):
        assert np.array_equal(got.numbers[criterion], want.numbers[criterion], equal_nan=True)
    for name in profiles.GROUPS:
        a, b = got.groups[name], want.groups[name]
        assert [a.labels[c] for c in a.codes] == [b.labels[c] for c in b.codes], name
        missing = a.codes == a.missing
        assert np.array_equal(missing, b.codes == b.missing), name


def same_preview(got: preview.Preview, want: preview.Preview) -> None:
    assert (got.in_force, got.proposed, got.total) == (want.in_force, want.proposed, want.total)
    for name in profiles.GROUPS:
        pd.testing.assert_frame_equal(got.breakdown[name], want.breakdown[name])


def read(shared: Shared) -> tuple[profiles.ProfileBase, preview.Preview, preview.Preview]:
    """What the criteria page asks of the memo: the base, and two pairs of definitions."""
    key, base = preview.prepared(
        shared.frame, actor=MANAGER, memo=shared.memo, marketers=MARKETERS,
        zone="Asia/Tehran", calendar=Calendar.GREGORIAN,
    )  # fmt: skip
    moved = preview.compared(base, key, IN_FORCE, PROPOSAL, actor=MANAGER, memo=shared.memo)
    same = preview.compared(base, key, IN_FORCE, IN_FORCE, actor=MANAGER, memo=shared.memo)
    return base, moved, same


def fresh(leads: pd.DataFrame) -> tuple[profiles.ProfileBase, preview.Preview, preview.Preview]:
    base = preview.prepare(leads, marketers=dict(MARKETERS), zone="Asia/Tehran")
    s, p = preview.scores(base, IN_FORCE), preview.scores(base, PROPOSAL)
    moved = preview.compare(base, s, IN_FORCE.threshold, p, PROPOSAL.threshold)
    return base, moved, preview.compare(base, s, IN_FORCE.threshold, s, IN_FORCE.threshold)


def written(old: pd.DataFrame, new: pd.DataFrame, touched: set[int]) -> Delta:
    """The delta a refresh gives: rows rewritten in place (changed or not), rows added, and
    the columns whose values changed."""
    before = len(old)
    columns = {
        str(name)
        for name in old.columns
        if touched
        and not new[name]
        .iloc[sorted(touched)]
        .reset_index(drop=True)
        .equals(old[name].iloc[sorted(touched)].reset_index(drop=True))
    }
    if len(new) > before:
        columns = {str(c) for c in new.columns}
    positions = np.array(sorted(touched) + list(range(before, len(new))), dtype=np.int64)
    return Delta(positions=positions, appended_from=before, columns=frozenset(columns))


Write = tuple[list[tuple[int, dict[str, Any]]], list[dict[str, Any]]]
writes = st.tuples(
    st.lists(st.tuples(st.integers(0, 10**6), change()), max_size=4),  # leads changed
    st.lists(lead(), max_size=3),  # leads added
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(lead(), min_size=1, max_size=15),
    steps=st.lists(writes, min_size=1, max_size=5),
    categories=st.booleans(),
)
def test_the_kept_preview_equals_preparing_and_counting_again(
    first: list[dict[str, Any]], steps: list[Write], categories: bool
) -> None:
    rows = [dict(r) for r in first]
    shared = Shared("0", frame(rows, categories))
    read(shared)
    for step, (changes, added) in enumerate(steps, start=1):
        before = len(rows)
        touched = set()
        for where, values in changes:
            rows[where % before] = rows[where % before] | values
            touched.add(where % before)
        rows += [dict(r) for r in added]
        leads = frame(rows, categories)
        delta = written(shared.frame, leads, touched)
        shared = Shared(str(step), leads, before=shared, delta=delta)
        got = read(shared)
        want = fresh(shared.frame)
        same_base(got[0], want[0])
        same_preview(got[1], want[1])
        same_preview(got[2], want[2])


def test_a_write_the_preview_does_not_read_keeps_it_and_one_it_reads_counts_the_change_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [{name: values[i % len(values)] for name, values in VALUES.items()} for i in range(12)]
    shared = Shared("0", frame(rows, True))
    base, moved, _ = read(shared)
    calls: list[int] = []
    real = preview.compare
    monkeypatch.setattr(preview, "compare", lambda *a: calls.append(1) or real(*a))

    rows[2] = rows[2] | {"stage": "sql"}
    leads = frame(rows, True)
    shared = Shared("1", leads, before=shared, delta=written(shared.frame, leads, {2}))
    kept, kept_moved, _ = read(shared)
    assert kept is base and kept_moved is moved

    rows[1] = rows[1] | {"industry": "Fresh", "engagement": 55}
    rows.append(rows[0] | {"source": "Partner"})
    leads = frame(rows, True)
    shared = Shared("2", leads, before=shared, delta=written(shared.frame, leads, {1}))
    rebased, counted, _ = read(shared)
    assert rebased.parent is not None and rebased.parent() is base
    assert calls == []  # counted from the changed and added leads, not from every lead
    want = fresh(shared.frame)
    same_base(rebased, want[0])
    same_preview(counted, want[1])
    assert counted.total == moved.total + 1


def test_codes_take_one_byte_a_lead_and_widen_when_a_write_brings_many_new_values() -> None:
    """The prepared snapshot keeps each profile value's code in the narrowest integer type
    (a million leads' preview held 69 MiB, most of it eight-byte codes); 300 new job titles
    brought by a write do not fit one byte: the codes widen and mean what they meant."""
    rows = [dict(zip(VALUES, [v[0] for v in VALUES.values()], strict=True)) for _ in range(4)]
    old = frame(rows, categories=False)
    shared = Shared("0", old)
    base = read(shared)[0]
    assert base.text[F.JOB_TITLE][0].dtype == np.int8
    assert all(coded.codes.dtype == np.int8 for coded in base.groups.values())
    rows += [rows[0] | {"job_title": f"Title {i}", "source": f"Fair {i}"} for i in range(300)]
    leads = frame(rows, categories=False)
    shared = Shared("1", leads, before=shared, delta=written(old, leads, set()))
    got = read(shared)
    assert got[0].parent is not None and got[0].parent() is base  # rebased, not prepared
    assert got[0].text[F.JOB_TITLE][0].dtype == np.int16
    assert got[0].groups["source"].codes.dtype == np.int16
    want = fresh(shared.frame)
    same_base(got[0], want[0])
    same_preview(got[1], want[1])
    same_preview(got[2], want[2])
