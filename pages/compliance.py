"""Compliance: a live gauge per service level for the company, a team or a rep."""

from datetime import timedelta
from typing import Any

import pandas as pd
import streamlit as st

from sla_core import access, browse, periods
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.exporting import safe_csv, safe_xlsx
from sla_core.models import TeamKind
from sla_core.org import load_org_settings
from sla_core.people.roster import working_reps
from sla_core.sla import charts, scoped, views
from sla_core.sla.context import load_heads, sales_teams
from sla_core.sla.daily import build_report, report_recipients, send_daily_report
from sla_core.sla.gauges import MARKETING_GAUGES, GaugeLevel, pace_of
from sla_core.sla.mailer import MailConfigError
from sla_core.sla.side_by_side import Side
from ui import hand_off, side_by_side, tables
from ui.charts import memo_chart
from ui.data import current_user, get_engine
from ui.dates import date_input
from ui.i18n import _, digits, num, period_name
from ui.lead_view import open_picked
from ui.mail import not_set_up
from ui.navigation import framed
from ui.sla_data import SlaView, report_list, setup_key, sla_view, smtp_config
from ui.tables import for_reading
from ui.widgets import agreement_banner, plain

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    heads = load_heads(session=session)
    teams = sales_teams(session=session)
    marketing_teams = sales_teams(session=session, kind=TeamKind.MARKETING)
    org = load_org_settings(session=session)
    people = browse.people_frame(session=session)
access.require(user, access.Permission.VIEW_DASHBOARD)
names = dict(zip(people["id"], people["name"], strict=True))
titles = {
    GaugeLevel.DISPOSITION: _("Dispositioned within the window"),
    GaugeLevel.WORKED: _("Worked within the window"),
    GaugeLevel.FOLLOW_UP: _("Follow-up attempts made"),
    GaugeLevel.CONVERSION: _("Conversion"),
    GaugeLevel.OPPORTUNITIES: _("Opportunities opened"),
    GaugeLevel.UNWORKED: _("MQLs left unworked"),
    GaugeLevel.MQL_VOLUME: _("MQL volume"),
    GaugeLevel.MQL_QUALITY: _("MQL quality (accepted by sales)"),
}

st.title(_("Compliance"))
scope = views.Scope(views.ScopeKind.REP, user.id)
if access.can(user, access.Permission.VIEW_ALL_LEADS):
    kind_col, which_col, period_col = st.columns(3)
    kind = kind_col.selectbox(
        _("Scope"),
        list(views.ScopeKind),
        format_func={
            "company": _("Company"),
            "team": _("Team"),
            "rep": _("Rep"),
            "marketer": _("Marketer"),
            "marketing_team": _("Marketing team"),
        }.__getitem__,
        key="compliance_scope",
    )
    if kind is views.ScopeKind.TEAM and teams:
        team = which_col.selectbox(
            _("Team"), list(teams), format_func=lambda t: teams[t], key="compliance_team"
        )
        scope = views.Scope(kind, int(team))
    elif kind is views.ScopeKind.REP and (
        pickable := set(heads.reps) & set(working_reps(people)["id"].tolist())
    ):
        rep = which_col.selectbox(
            _("Rep"),
            sorted(pickable, key=lambda r: names.get(r, "")),
            format_func=lambda r: names.get(r, f"#{r}"),
            key="compliance_rep",
        )
        scope = views.Scope(kind, int(rep))
    elif kind is views.ScopeKind.MARKETING_TEAM and marketing_teams:
        team = which_col.selectbox(
            _("Marketing team"),
            list(marketing_teams),
            format_func=lambda t: marketing_teams[t],
            key="compliance_marketing_team",
        )
        scope = views.Scope(kind, int(team))
    elif kind is views.ScopeKind.MARKETER and heads.marketers:
        marketer = which_col.selectbox(
            _("Marketer"),
            sorted(heads.marketers, key=lambda r: names.get(r, "")),
            format_func=lambda r: names.get(r, f"#{r}"),
            key="compliance_marketer",
        )
        scope = views.Scope(kind, int(marketer))
    else:
        scope = views.Scope(views.ScopeKind.COMPANY)
else:
    period_col = st.columns(3)[2]

zone, calendar = org.time_zone, org.calendar
this_month = periods.month_containing(now(), zone=zone, calendar=calendar)
months = periods.recent(this_month, 6)
# Names computed now, in this run's language (a format_func may be called after the run).
month_names = {m.label: period_name(m) for m in months}
label = period_col.selectbox(
    _("Month"),
    [m.label for m in reversed(months)],
    format_func=month_names.__getitem__,
    key="compliance_period",
)
period = periods.parse_period(label, zone=zone, calendar=calendar)
pace = pace_of(period.start, period.end, now())  # count targets are pro-rated while it runs


def gauge_spec(view: SlaView, row: dict[str, object], level: GaugeLevel) -> dict[str, Any]:
    """A gauge's Vega-Lite spec for this reader, once per figure, language and revision."""
    key = ("sla_gauge_spec", level, repr(sorted(row.items())))
    return memo_chart(
        view.shared.memo, key, lambda: charts.level_gauge(row, titles[level]), reads=()
    )


def show_gauges(view: SlaView, gauges: pd.DataFrame, requalified: int) -> None:
    """Seven gauges in two lines; a click on one selects its level for the list below.
    `requalified`: the leads re-qualified from the backlog, shown beside the MQL volume."""
    for line in (gauges.iloc[:4], gauges.iloc[4:]):
        for column, (_index, row) in zip(st.columns(4), line.iterrows(), strict=False):
            level = GaugeLevel(row["level"])
            event = column.vega_lite_chart(
                spec=gauge_spec(view, row.to_dict(), level),
                key=f"compliance_gauge_{level.value}",
                on_select="rerun",
                selection_mode=charts.PICK,
            )
            if event and event.get("selection", {}).get(charts.PICK):
                st.session_state["compliance_level"] = level
            if row["percent"]:
                if level is GaugeLevel.CONVERSION:  # a cohort rate: deals won per MQL handed off
                    counted = _("{done} won of {due} MQLs handed off; {won} won in the period")
                elif level is GaugeLevel.MQL_QUALITY:
                    counted = _("{done} accepted of {due} decided by sales, {running} undecided")
                elif row["running"]:
                    counted = _("{done} of {due} due, {running} still running")
                else:
                    counted = _("{done} of {due} due")
                column.caption(
                    counted.format(
                        done=num(row["done"]),
                        due=num(row["due"]),
                        running=num(row["running"]),
                        won=num(row["won_in_period"]),
                    ),
                    help=_("Click the gauge to list the leads behind it."),
                )
            elif row["level"] in (GaugeLevel.MQL_VOLUME, GaugeLevel.OPPORTUNITIES) and pace < 1:
                column.caption(
                    _("target {target} at this point of the period").format(
                        target=num(round(row["target"]))
                    )
                )
            if level is GaugeLevel.MQL_VOLUME and requalified:
                column.caption(
                    _("{n} re-qualified from the backlog, beside this count").format(
                        n=num(requalified)
                    )
                )


@st.fragment(run_every=timedelta(seconds=20))
def live() -> None:
    """The gauges and lists; every 20 s they recompute, and reload data only if it changed.

    What they show is computed once per data revision, scope, period and clock minute
    (`Shared.memo`, shared by every session), so a rerun only draws.
    """
    view = sla_view(scope.id if scope.kind is views.ScopeKind.REP else None)
    memo = view.shared.memo
    # the clocks' own key (owner, agreement, work time) and who counts for targets; the
    # clocks' instant is the stamp: the next minute's figures replace this minute's
    within = scoped.InScope(
        view.leads, view.clocks, view.content, setup_key(view.content, view.setup),
        view.ref, scope, heads, period, label, view.kept, view.shared.fresh_rows,
    )  # fmt: skip
    rows = scoped.rows(within, actor=user, memo=memo)
    gauges = scoped.gauges(within, actor=user, memo=memo)
    agreement_banner(view.governing)
    if scope.kind is views.ScopeKind.COMPANY:
        joint = scoped.joint(within, gauges, actor=user, memo=memo)
        st.metric(
            _("Both sides kept the SLA"),
            _("yes") if joint.both_kept else _("no"),
            delta=_(
                "sales: {sales} of {sales_all} levels on target; marketing: {mkt} of {mkt_all}"
            ).format(
                sales=num(joint.sales_kept),
                sales_all=num(joint.sales_judged),
                mkt=num(joint.marketing_kept),
                mkt_all=num(joint.marketing_judged),
            ),
            delta_color="off",
            delta_arrow="off",
            border=True,
        )
    show_gauges(view, gauges, scoped.requalified(within, rows, actor=user, memo=memo))
    st.caption(
        _("Live: recomputed at {time} UTC; leads reload only when they change.").format(
            time=digits(f"{view.ref:%H:%M:%S}")
        )
    )

    marketing = scope.kind in views.MARKETING_SCOPES
    shown = (
        list(MARKETING_GAUGES)
        if marketing
        else [lv for lv in GaugeLevel if lv not in MARKETING_GAUGES[1:]]
    )
    if st.session_state.get("compliance_level") not in shown:
        st.session_state.pop("compliance_level", None)
    level = (
        st.selectbox(
            _("Leads behind a gauge (or click a gauge)"),
            shown,
            format_func=titles.__getitem__,
            key="compliance_level",
        )
        or shown[0]
    )
    counted = scoped.behind(within, level, rows, actor=user, memo=memo)
    behind = counted.shown
    picked = tables.dataframe(
        for_reading(behind.assign(owner=behind["owner_id"].map(names)).drop(columns=["owner_id"])),
        hide_index=True,
        key="compliance_behind",
        height=260,
        on_select="rerun",
        selection_mode="single-row",
    )
    st.caption(_("Click a row to open the lead."))
    how_many(st, len(behind), counted.total)
    open_picked(picked, behind["id"].tolist())

    if marketing:  # sales' clocks are not marketing's to keep
        return
    risk_tab, late_tab = st.tabs([_("At risk"), _("Breached, still open")])
    for tab, status in ((risk_tab, "at_risk"), (late_tab, "breached")):
        found = scoped.attention(within, status, rows, actor=user, memo=memo)
        listed = found.shown
        clicked = tables.dataframe(
            for_reading(
                listed.assign(owner=listed["owner_id"].map(names)).drop(
                    columns=["owner_id", "hours_left"]  # time left reads in words instead
                )
            ),
            hide_index=True,
            key=f"compliance_list_{status}",
            where=tab,
            height=260,
            on_select="rerun",
            selection_mode="single-row",
        )
        open_picked(clicked, listed["id"].tolist())
        how_many(tab, len(listed), found.total)
    show_trends(view, within)


def how_many(where: Any, shown: int, total: int) -> None:
    """Under a list cut at `views.LIST_LIMIT`: how many leads it holds in all."""
    if shown < total:
        where.caption(
            _("Showing the first {shown} of {total} leads.")
            .format(shown=num(shown), total=num(total))
        )  # fmt: skip


def show_trends(view: SlaView, within: scoped.InScope) -> None:
    """Weekly and monthly lines of the percentage levels, recomputed every 10 minutes (a
    write in between recounts the leads it changed)."""
    weekly, monthly = st.tabs([_("Weekly trend"), _("Monthly trend")])
    week_start = {"monday": 0, "saturday": 5, "sunday": 6}[org.week_start.value]
    spans = (
        (weekly, "week", views.weeks_up_to(view.ref, 8, zone=zone, week_start=week_start)),
        (monthly, "month", months),
    )
    for tab, name, span in spans:
        data = scoped.trend(within, name, span, actor=user, memo=view.shared.memo)

        def lines(data: pd.DataFrame = data) -> Any:
            return charts.trend_lines(data, {lv.value: t for lv, t in titles.items()}, "")

        tab.vega_lite_chart(
            # built (altair, ~0.1 s) once per figures: a write seldom moves them
            spec=memo_chart(
                view.shared.memo,
                ("sla_trend_spec", name, data.to_json(date_format="iso", date_unit="us")),
                lines,
                reads=(),
            ),
            key=f"compliance_trend_{name}",
        )


live()

if access.can(user, access.Permission.VIEW_ALL_LEADS):  # the hand-off; everyone side by side
    everyone = sla_view(None)
    st.subheader(_("Waiting for a rep"))
    hand_off.show_backlog(everyone.content.targets.max_mqls_per_rep)
    side_by_side.section(
        everyone,
        heads,
        period=period,
        names=names,
        teams={Side.SALES: teams, Side.MARKETING: marketing_teams},
        titles=titles,
        may_export=access.can(user, access.Permission.EXPORT_REPORTS),
    )

if access.can(user, access.Permission.EXPORT_REPORTS) and st.toggle(
    _("Show the daily sales report"), key="compliance_daily"
):
    st.subheader(_("Daily sales report"))
    yesterday = now().date() - timedelta(days=1)
    day = date_input(_("Day"), value=yesterday, key="compliance_daily_day") or yesterday
    label, table = build_report(engine=get_engine(), day=day)
    tables.dataframe(for_reading(table), hide_index=True, key="compliance_daily_table")
    csv_col, xlsx_col, send_col = st.columns(3)
    csv_col.download_button(
        _("Download CSV"), data=lambda: safe_csv(table), file_name=f"daily-sales-{label}.csv",
        mime="text/csv", key="compliance_daily_csv", on_click="ignore",
    )  # fmt: skip
    xlsx_col.download_button(
        _("Download Excel"), data=lambda: safe_xlsx({label: table}),
        file_name=f"daily-sales-{label}.xlsx", key="compliance_daily_xlsx", on_click="ignore",
    )  # fmt: skip
    if send_col.button(_("Send by e-mail"), key="compliance_daily_send"):
        try:
            config, problem = smtp_config(), ""
        except MailConfigError as exc:
            config, problem = None, plain(exc)
        if problem:
            st.error(problem)
        elif config is None:
            not_set_up(user)
        else:
            with session_scope(get_engine()) as session:
                to = report_recipients(session=session, listed=report_list())
                delivery = send_daily_report(
                    config=config, table=table, day=label, to=to, actor=current_user(session)
                )
            if delivery.error:
                st.error(plain(delivery.error))
            else:
                st.success(_("Sent to {people}.").format(people=plain(", ".join(to))))
