"""All reps side by side: every row equals that rep's (team's, marketer's) own gauges."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

from sla_core.exporting import safe_csv, safe_xlsx
from sla_core.periods import month_containing
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.gauges import GAUGE_COLUMNS, MARKETING_GAUGES
from sla_core.sla.side_by_side import SALES_LEVELS, Grouping, Inputs, Side, board, wide
from sla_core.sla.views import Heads, Scope, ScopeKind, scope_gauges
from sla_core.terms import AgreementContent
from tests.slaframes import sla_frame

REF = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # March still running: targets pro-rated
MARCH = month_containing(REF)
CONTENT = AgreementContent()
# Reps 1, 2 (team 10) and 3 (team 11) count; 4 was not placed (counts nowhere); 5 counts
# but has no lead. Marketers 9 (team 20) and 8 (team 20) count; 7 does not.
HEADS = Heads(
    reps=frozenset({1, 2, 3, 5}),
    marketers=frozenset({8, 9}),
    team_of={1: 10, 2: 10, 3: 11, 4: 10, 5: 11, 8: 20, 9: 20, 7: None},
)
TEAMS = {10: "North", 11: "South"}


def _leads() -> pd.DataFrame:
    rows = []
    for i in range(24):
        owner = (1, 2, 3, 4)[i % 4]
        day = 1 + i % 18
        row = {
            "owner_id": owner,
            "marketer_id": (9, 8, 7)[i % 3],
            "mql_at": f"2026-03-{day:02d} 09:00",
            "assigned_at": f"2026-03-{day:02d} 10:00",
        }
        if i % 3 == 0:  # dispositioned in time, qualified, touched
            row |= {
                "stage": "sql",
                "dispositioned_at": f"2026-03-{day:02d} 11:00",
                "sql_at": f"2026-03-{day:02d} 11:00",
                "touches": 3,
                "first_touch_at": f"2026-03-{day:02d} 10:30",
            }
        elif i % 3 == 1:  # disqualified late
            row |= {
                "stage": "disqualified",
                "dispositioned_at": f"2026-03-{day + 3:02d} 12:00",
                "disposition_reason": "no budget",
            }
        if i % 5 == 0:
            row |= {
                "stage": "won",
                "sql_at": f"2026-03-{day:02d} 11:00",
                "dispositioned_at": f"2026-03-{day:02d} 11:00",
                "opportunity_at": f"2026-03-{day:02d} 12:00",
                "closed_at": f"2026-03-{day + 1:02d} 12:00",
            }
        rows.append(row)
    return sla_frame(rows)  # fmt: skip


LEADS = _leads()
CLOCKS = lead_clocks(LEADS, CONTENT, REF)
# rep 2 missed a disposition on a lead since reassigned: it stays his
KEPT = pd.DataFrame(
    {"lead_id": [999], "owner_id": [2], "clock": ["disposition"],
     "since": pd.to_datetime(["2026-03-03 10:00"], utc=True)}
)  # fmt: skip
DATA = Inputs(LEADS, CLOCKS, CONTENT, MARCH, REF, KEPT)


def _own(kind: ScopeKind, group: int, levels: tuple[object, ...]) -> pd.DataFrame:
    own = scope_gauges(LEADS, CLOCKS, CONTENT, MARCH, REF, Scope(kind, group), HEADS, KEPT)
    return own[own["level"].isin([str(lv) for lv in levels])].drop(columns="group")


CASES = [
    (Side.SALES, Grouping.PEOPLE, ScopeKind.REP, None),
    (Side.SALES, Grouping.TEAMS, ScopeKind.TEAM, TEAMS),
    (Side.MARKETING, Grouping.PEOPLE, ScopeKind.MARKETER, None),
    (Side.MARKETING, Grouping.TEAMS, ScopeKind.MARKETING_TEAM, {20: "Demand"}),
]


@pytest.mark.parametrize(("side", "grouping", "kind", "teams"), CASES)
def test_every_row_equals_that_groups_own_gauges(side, grouping, kind, teams) -> None:  # type: ignore[no-untyped-def]
    found = board(DATA, HEADS, side=side, grouping=grouping, teams=teams)
    expected_groups = {
        (Side.SALES, Grouping.PEOPLE): (1, 2, 3, 5),
        (Side.MARKETING, Grouping.PEOPLE): (8, 9),
    }.get((side, grouping), tuple(teams or ()))
    assert found.groups == expected_groups  # who counts: placed, active, this side only
    assert found.running and found.levels == (
        SALES_LEVELS if side is Side.SALES else MARKETING_GAUGES
    )
    for group in found.groups:
        mine = found.gauges[found.gauges["group"] == group].drop(columns="group")
        own = _own(kind, group, found.levels)
        pd.testing.assert_frame_equal(
            mine.reset_index(drop=True), own.reset_index(drop=True), check_dtype=False
        )
    assert list(found.gauges.columns) == list(GAUGE_COLUMNS)


def test_the_board_is_not_empty_of_figures() -> None:
    """The loop above compares something: reps have judged, banded levels."""
    found = board(DATA, HEADS, side=Side.SALES, grouping=Grouping.PEOPLE)
    disposition = found.gauges[found.gauges["level"] == "disposition"].set_index("group")
    assert disposition.loc[2, "due"] > disposition.loc[1, "due"] > 0  # the kept breach
    assert set(disposition["band"]) - {"none"}
    assert disposition.loc[5, "band"] == "none"  # no lead: nothing judged, not 0 of 0 red
    marketing = board(DATA, HEADS, side=Side.MARKETING, grouping=Grouping.PEOPLE)
    assert set(marketing.gauges["level"]) == {"mql_volume", "mql_quality"}


def test_the_export_opens_and_a_formula_in_a_name_is_neutralised() -> None:
    found = board(DATA, HEADS, side=Side.SALES, grouping=Grouping.PEOPLE)
    table = wide(found, {1: '=HYPERLINK("http://x")', 2: "Bo", 3: "Cy", 5: "Di"})
    assert table["disposition"].notna().any()
    book = openpyxl.load_workbook(io.BytesIO(safe_xlsx({"All reps": table})))
    sheet = book["All reps"]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names[0] == '\'=HYPERLINK("http://x")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    text = safe_csv(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text
