"""Closed-loop reports: what sales did with marketing's leads, by source, campaign, marketer."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from sla_core import agreement, exporting, org
from sla_core.access import Permission, can
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing import charts, closed_loop, criteria
from sla_core.overview import revenue
from sla_core.periods import PeriodKind
from ui import revenue as revenue_section
from ui import tables
from ui.charts import memo_chart
from ui.data import current_snapshot, current_user, get_engine
from ui.dates import date_range_input
from ui.i18n import _, calendar, num, period_name
from ui.marketing import people
from ui.navigation import framed
from ui.tables import for_reading

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    targets = agreement.governing_version(session=session).content.targets
    settings = org.load_org_settings(session=session)

staff = people()
names = dict(zip(staff["id"], staff["name"], strict=True))
# Periods and months in the reader's calendar (a Persian reader's quarter is a Jalali one).
zone, shown_in = settings.time_zone, calendar()

st.title(_("Closed-loop reports"))
today = now().date()

st.subheader(_("Revenue"))
kinds = {PeriodKind.MONTH: _("Month"), PeriodKind.QUARTER: _("Quarter")}
kind_col, period_col = st.columns([1, 2], vertical_alignment="bottom")
kind = (
    kind_col.segmented_control(
        _("Revenue per"), list(kinds), format_func=kinds.__getitem__,
        default=PeriodKind.QUARTER, key="reports_revenue_kind",
    )
    or PeriodKind.QUARTER
)  # fmt: skip
shared = current_snapshot()
choices = revenue.memo_period_choices(
    shared.frame, kind, pd.Timestamp(now()), zone=zone, calendar=shown_in, actor=user,
    memo=shared.memo,
)  # fmt: skip
period_names = {p: period_name(p) for p in choices}  # in this run's language
revenue_period = period_col.selectbox(
    _("Closed in"),
    choices,
    format_func=period_names.__getitem__,
    key=f"reports_revenue_{kind.value}",
)
revenue_section.section(
    people=staff,
    period=revenue_period or choices[0],
    currency=settings.currency,
    key="reports_revenue",
    exportable=can(user, Permission.EXPORT_REPORTS),
    actor=user,
)

st.divider()
picked = date_range_input(
    _("Leads created between"), value=(today - timedelta(days=180), today), key="reports_range"
)
start, end = (picked[0], picked[-1]) if picked else (None, None)
labels = {"source": _("Source"), "campaign": _("Campaign"),
          "marketer": _("Marketer"), "month": _("Month")}  # fmt: skip
by = st.segmented_control(
    _("Group by"), list(labels), format_func=labels.__getitem__, default="source", key="reports_by"
)
by = by or "source"

reason_labels = {"source": _("Source")} | {
    f.value: _(label) for f, label in criteria.LABELS.items()
}
reason_by = st.session_state.get("reports_reason_by", "source")
ask = closed_loop.Ask(
    start, end, zone, shown_in, by, reason_by if reason_by in reason_labels else "source",
    tuple(sorted(names.items())), targets.mqls_per_marketer, settings.calendar,
)  # fmt: skip
# computed once per data revision that changed a column they read, for every session
found = closed_loop.memo_report(shared.frame, ask, actor=user, memo=shared.memo)
table = found.funnel
st.subheader(_("Funnel by {what}").format(what=labels[by].lower()))
if not found.leads:
    st.info(_("No lead was created in this range."))
    st.stop()
left, right = st.columns(2)
left.vega_lite_chart(
    spec=memo_chart(
        shared.memo,
        ("reports_stages", ask),
        lambda: charts.stage_bars(table, _),
        reads=closed_loop.REPORT_READS,
    ),
    key="reports_stages",
)
right.vega_lite_chart(
    spec=memo_chart(
        shared.memo,
        ("reports_conversion", ask),
        lambda: charts.conversion_bars(table),
        reads=closed_loop.REPORT_READS,
    ),
    key="reports_conversion",
)
tables.dataframe(for_reading(table), hide_index=True, key="reports_funnel")

st.subheader(_("Time from MQL to each later stage"))
stages_table = closed_loop.memo_times(shared.frame, start, end, zone, actor=user, memo=shared.memo)
tables.dataframe(for_reading(stages_table), hide_index=True, key="reports_times")

st.subheader(_("Why leads came back: disqualification and nurture reasons"))
st.selectbox(
    _("Reasons by"),
    list(reason_labels),
    format_func=reason_labels.__getitem__,
    key="reports_reason_by",
)
reasons_table = found.reasons
tables.dataframe(for_reading(reasons_table), hide_index=True, key="reports_reasons")

st.subheader(_("MQL volume against target, and sales acceptance, per marketer"))
months, card = found.months, found.marketers
st.caption(
    _("Target: {n} MQLs per marketer per month, over {months} months.").format(
        n=num(targets.mqls_per_marketer), months=num(months)
    )
)
tables.dataframe(for_reading(card), hide_index=True, key="reports_marketers")

if can(user, Permission.EXPORT_REPORTS):
    sheets = {"Funnel": table, "Time to stage": stages_table, "Reasons": reasons_table,
              "Marketers": card}  # fmt: skip
    csv_col, xlsx_col = st.columns(2)
    csv_col.download_button(
        _("Download the funnel (CSV)"),
        data=lambda: exporting.safe_csv(table),  # built when asked for, not on every run
        file_name=f"funnel_by_{by}.csv",
        mime="text/csv",
        on_click="ignore",
        key="reports_csv",
    )
    xlsx_col.download_button(
        _("Download every table (Excel)"),
        data=lambda: exporting.safe_xlsx(sheets),
        file_name="closed_loop_reports.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="reports_xlsx",
    )
