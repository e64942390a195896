"""The Compliance page's "All reps" section: every rep or team against every level.

The figures are `sla_core.sla.side_by_side.board` (the gauges' own computation); this
module only lays them out for the reader (words, their digits, band colours) and hands
out the same table as CSV and Excel through `sla_core.exporting`.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from sla_core.exporting import safe_csv, safe_xlsx
from sla_core.periods import Period
from sla_core.sla import tally
from sla_core.sla.charts import BAND_COLOURS
from sla_core.sla.gauges import PERCENT_LEVELS, GaugeLevel
from sla_core.sla.reassign import kept_key
from sla_core.sla.side_by_side import Board, Grouping, Inputs, Side, board, wide
from sla_core.sla.views import Heads
from ui import tables
from ui.i18n import _, num, pct, period_name
from ui.sla_data import SlaView, setup_key


def _band_words() -> dict[str, str]:
    return {
        "green": _("green"),
        "amber": _("amber"),
        "red": _("red"),
        "none": _("nothing judged yet"),
    }


def _by_owner(view: SlaView, period: Period) -> tally.ByOwner:
    """The period's counts per owner for the clocks' minute: after a write only the changed
    leads are counted again (`tally.rebyowner`), as the gauges' own tally is."""
    shared = view.shared

    def recount(old: tally.ByOwner, _delta: object) -> tally.ByOwner:
        take, rows = shared.fresh_rows(old.index, view.leads)
        return tally.rebyowner(old, view.leads, view.clocks, take, rows, view.kept)

    kept = kept_key(view.kept)
    return shared.memo(
        # every lead in view (the section is shown with all of them): one owner's view of the
        # same revision has fewer rows, so another key
        (
            "sla_by_owner",
            len(view.leads) == len(shared.frame),
            period.start,
            period.end,
            setup_key(view.content, view.setup),
            kept,
        ),  # fmt: skip
        lambda: tally.by_owner(view.leads, view.clocks, period, view.kept),
        stamp=int(view.ref.timestamp() // 60),
        update=recount,
    )


def _board(
    view: SlaView,
    heads: Heads,
    period: Period,
    side: Side,
    grouping: Grouping,
    team_names: Mapping[int, str],
) -> Board:
    """The side's board for the period, once per revision and instant; the sales side's is
    a pure function of the counts per owner and the minute (the pace of count targets), so
    a write that changes no count carries it over."""
    key = ("sla_side_by_side", side, grouping, period.label, setup_key(view.content, view.setup),
           repr(heads), repr(sorted(team_names.items())))  # fmt: skip
    counted = _by_owner(view, period) if side is Side.SALES else None

    def compute() -> Board:
        return board(
            Inputs(view.leads, view.clocks, view.content, period, view.ref, view.kept, counted),
            heads,
            side=side,
            grouping=grouping,
            teams=team_names,
        )

    if counted is None:
        found: Board = view.shared.memo(key, compute, stamp=view.ref)
        return found
    carried: Board = view.shared.memo(
        (*key, kept_key(view.kept), tally.counts_key(counted.counts)),
        compute,
        stamp=int(view.ref.timestamp() // 60),
        reads=(),  # carried over a write that changes no count
    )
    return carried


def section(
    view: SlaView,
    heads: Heads,
    *,
    period: Period,
    names: Mapping[int, str],
    teams: Mapping[Side, Mapping[int, str]],
    titles: Mapping[GaugeLevel, str],
    may_export: bool,
) -> None:
    """The section: pick the side and people or teams; the table; its downloads."""
    st.subheader(_("All reps"))
    side, grouping = _pickers()
    team_names = teams[side]
    found = _board(view, heads, period, side, grouping, team_names)
    if not found.groups:
        st.info(_("Nobody on this side counts yet: place people in a team first."))
        return
    if found.running:
        st.caption(
            _(
                "{period} is still running: these are the figures so far; counts are judged "
                "against {share} of the month's target, and clocks still running are not "
                "judged yet."
            ).format(period=period_name(period), share=pct(100 * found.pace, 0))
        )
    table = wide(found, names if grouping is Grouping.PEOPLE else team_names)
    tables.dataframe(
        _styled(_shown(table, found, titles), found),
        hide_index=True,
        key="compliance_all_table",
        column_order=_shown_columns(found, titles),
        placeholder="—",  # nothing judged yet (the grid ignores the Styler for missing cells)
    )
    st.caption(_("Colours are the gauges' bands; click a column header to sort."))
    if may_export:
        _downloads(
            export_table(table, found, titles), f"{side.value}-{grouping.value}-{period.label}"
        )


def _pickers() -> tuple[Side, Grouping]:
    """Which side (sales or marketing) and which rows (people or teams)."""
    side_col, group_col = st.columns(2)
    side = Side(
        side_col.segmented_control(
            _("Side"),
            [s.value for s in Side],
            format_func={"sales": _("Sales"), "marketing": _("Marketing")}.__getitem__,
            default=Side.SALES.value,
            key="compliance_all_side",
        )
        or Side.SALES.value
    )
    grouping = Grouping(
        group_col.segmented_control(
            _("Rows"),
            [g.value for g in Grouping],
            format_func={"people": _("People"), "teams": _("Teams")}.__getitem__,
            default=Grouping.PEOPLE.value,
            key="compliance_all_rows",
        )
        or Grouping.PEOPLE.value
    )
    return side, grouping


def _running_total(table: pd.DataFrame, found: Board) -> pd.Series:
    """The clocks still running behind each row (a lead counts once per clock)."""
    parts = [table[f"{lv.value}_running"] for lv in found.levels if lv is not GaugeLevel.UNWORKED]
    return sum(parts[1:], parts[0]) if parts else pd.Series(0, index=table.index)


def _shown_columns(found: Board, titles: Mapping[GaugeLevel, str]) -> list[str]:
    return [_("Name"), *(titles[lv] for lv in found.levels), _("Still running")]


def _shown(table: pd.DataFrame, found: Board, titles: Mapping[GaugeLevel, str]) -> pd.DataFrame:
    """Name, one value column per level (titled in words) and the clocks still running."""
    out = pd.DataFrame({_("Name"): table["name"]})
    for level in found.levels:
        out[titles[level]] = table[level.value]
    out[_("Still running")] = _running_total(table, found).astype("int64")
    return out


def _styled(shown: pd.DataFrame, found: Board) -> Styler:
    """Values in this reader's digits, each cell coloured by its level's band."""
    names = list(shown.columns)
    level_columns = dict(zip(found.levels, names[1:-1], strict=True))
    bands = found.gauges.pivot(index="group", columns="level", values="band")
    bands = bands.reindex(list(found.groups))
    styler = shown.style
    for level, column in level_columns.items():
        shade = [f"background-color: {BAND_COLOURS[str(b)]}33" for b in bands[level.value].tolist()]
        styler = styler.apply(lambda _col, s=shade: s, subset=[column])
        writer = pct if level in PERCENT_LEVELS else num
        styler = styler.format(
            lambda v, w=writer: "—" if pd.isna(v) else w(v), subset=[column], na_rep="—"
        )
    return styler.format(num, subset=[names[-1]])


def export_table(
    table: pd.DataFrame, found: Board, titles: Mapping[GaugeLevel, str]
) -> pd.DataFrame:
    """The table for a spreadsheet: per level its value, band in words, done and due."""
    words = _band_words()
    out = pd.DataFrame({_("Name"): table["name"]})
    for level in found.levels:
        title, value = titles[level], table[level.value]
        out[title] = value.round(1) if level in PERCENT_LEVELS else value
        out[_("{level}: band").format(level=title)] = table[f"{level.value}_band"].map(words)
        out[_("{level}: met").format(level=title)] = table[f"{level.value}_done"]
        out[_("{level}: judged").format(level=title)] = table[f"{level.value}_due"]
    out[_("Still running")] = _running_total(table, found).astype("int64")
    return out


def _downloads(table: pd.DataFrame, stem: str) -> None:
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        _("Download CSV"), data=lambda: safe_csv(table), file_name=f"all-reps-{stem}.csv",
        mime="text/csv", key="compliance_all_csv", on_click="ignore",
    )  # fmt: skip
    xlsx_col.download_button(
        _("Download Excel"), data=lambda: safe_xlsx({_("All reps"): table}),
        file_name=f"all-reps-{stem}.xlsx", key="compliance_all_xlsx", on_click="ignore",
    )  # fmt: skip
