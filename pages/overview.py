"""Overview: a period's service levels against the agreement's targets.

Figures come from the shared lead snapshot and are computed once per data revision,
scope, period and minute (`Shared.memo`), so a rerun only draws.
"""

import streamlit as st

from sla_core import access, agreement, browse, periods
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.org import load_org_settings
from sla_core.overview import charts, in_view, scoped
from sla_core.overview.in_view import PERIOD_LABELS, PeriodChoice
from sla_core.sla import views
from sla_core.sla.context import load_heads, sales_teams
from ui import revenue as revenue_section
from ui.charts import memo_chart
from ui.data import current_user, get_engine
from ui.dates import date_range_input
from ui.i18n import _, calendar, num, pct, period_name, signed, when
from ui.navigation import framed
from ui.sla_data import setup_key, sla_view
from ui.widgets import agreement_banner, plain

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)
    people = browse.people_frame(session=session)
    org = load_org_settings(session=session)
    heads = load_heads(session=session)
    team_ids = {name: team_id for team_id, name in sales_teams(session=session).items()}

try:
    owner_id = access.lead_scope(user, figures=True)
except access.PermissionDenied as exc:
    st.error(plain(exc))
    st.stop()
ref = now()
content = governing.content

st.title(_("Overview"))
period_box, custom, who = st.columns([3, 2, 2], vertical_alignment="bottom")
choice = (
    period_box.segmented_control(
        _("Period"),
        options=list(PeriodChoice),
        format_func={c: _(label) for c, label in PERIOD_LABELS.items()}.__getitem__,
        default=PeriodChoice.THIS_MONTH,
        key="overview_period",
    )
    or PeriodChoice.THIS_MONTH
)
days = None
if choice is PeriodChoice.CUSTOM:
    with custom:
        picked = date_range_input(_("From and to"), key="overview_days")
    if len(picked) < 2:
        st.info(_("Pick the first and the last day of the period."))
        st.stop()
    days = (picked[0], picked[1])
team = None
if owner_id is None and access.can(user, access.Permission.VIEW_TEAM_QUEUES):
    teams = in_view.sales_teams(people)
    team = who.selectbox(
        _("Team"), options=teams, index=None, placeholder=_("All teams"), key="overview_team"
    )
try:
    period = in_view.period_for(choice, ref, org, days, calendar=calendar())
except periods.PeriodError as exc:
    st.error(plain(exc))
    st.stop()

# The one service-level computation (clocks in working time, exemptions), shared with the
# Compliance page, the CLI, the boards and the PDF: same scope, same figures.
sla = sla_view(owner_id)
snap = sla.shared  # the data revision the clocks were computed on
if team is None:
    shown = views.Scope()
else:
    shown = views.Scope(views.ScopeKind.TEAM, team_ids.get(team))
until = in_view.counted_until(period, sla.ref).floor("min")
within = scoped.InView(
    sla.leads, sla.clocks, content, setup_key(sla.content, sla.setup), sla.ref, period,
    until, team, shown, heads, governing.version.id, org.time_zone, org.week_start.value,
    sla.kept, snap.fresh_rows,
)  # fmt: skip
rows = scoped.rows(within, actor=user, memo=snap.memo)
stats = scoped.period_figures(within, rows, actor=user, memo=snap.memo)
weeks = scoped.weekly_mqls(within, rows, actor=user, memo=snap.memo)
view = in_view.view_targets(
    content, people, owner_id=owner_id, team=team, period=period, ref=sla.ref
)
targets = view.targets

if owner_id is not None:
    scope = _("your own leads")
elif team is not None:
    scope = _("the leads of team {team}").format(team=team)
else:
    scope = _("the whole organisation")
st.caption(
    _(
        "{period}, counted until {until} ({zone} time), {scope}. Targets of a running "
        "period are pro-rated to the share of it gone."
    ).format(period=period_name(period), zone=org.time_zone, until=when(until), scope=scope)
)
agreement_banner(governing)

mqls, disposition, conversion, opportunities = st.columns(4)
if view.mqls_owed:
    mqls.metric(
        _("MQLs received"),
        num(stats.mqls),
        delta=signed(stats.mqls - targets.mqls),
        delta_description=_("vs the {count} marketing owes at least").format(
            count=num(targets.mqls)
        ),
        delta_color="off",  # a minimum owed to sales: more is not sales' achievement
        border=True,
        help=_("The agreement promises each rep at least this many MQLs per month."),
    )
else:
    mqls.metric(
        _("MQLs"),
        num(stats.mqls),
        delta=signed(stats.mqls - targets.mqls),
        delta_description=_("vs target {count}").format(count=num(targets.mqls)),
        border=True,
    )
disposition.metric(
    _("Dispositioned in time"),
    pct(stats.disposition_pct),
    delta=(
        _("{met} of {due} due, {running} still running").format(
            met=num(stats.disposition_met),
            due=num(stats.disposition_due),
            running=num(stats.disposition_running),
        )
        if stats.disposition_running
        else _("{met} of {due} due").format(
            met=num(stats.disposition_met), due=num(stats.disposition_due)
        )
    ),
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=_(
        "Leads assigned in the period that were dispositioned within {hours} working hours "
        "of assignment, out of those due; a lead past its deadline is due even while the "
        "period runs."
    ).format(hours=num(content.windows.disposition_hours)),
)
conversion.metric(
    _("Conversion"),
    pct(stats.conversion_pct),
    delta=None
    if stats.conversion_pct is None
    else _("{points} pts").format(points=signed(stats.conversion_pct - targets.conversion_pct, 1)),
    delta_description=_("vs target {pct} %").format(pct=num(targets.conversion_pct, 1)),
    border=True,
    help=_(
        "Of the {received} MQLs handed off in the period, the share won so far ({converted}); "
        "{won} deals were won in the period."
    ).format(received=num(stats.received), converted=num(stats.converted), won=num(stats.won)),
)
opportunities.metric(
    _("Opportunities"),
    num(stats.opportunities),
    delta=signed(stats.opportunities - targets.opportunities),
    delta_description=_("vs target {count}").format(count=num(targets.opportunities)),
    border=True,
)

# Chart specs are built (and validated by altair, 0.1-0.3 s) once per figure and revision.
gauge = memo_chart(
    snap.memo,
    ("gauge", stats.disposition_pct, targets.disposition_pct),
    lambda: charts.gauge(
        stats.disposition_pct, targets.disposition_pct, _("Dispositioned in time")
    ),
    reads=(),  # follows from its key
)
trend = memo_chart(
    snap.memo,
    ("trend", *scoped.week_key(within, actor=user)),
    lambda: charts.weekly_trend(weeks),
)
left, right = st.columns([2, 3])
with left:
    st.vega_lite_chart(spec=gauge, key="overview_gauge", width="content")
with right:
    st.vega_lite_chart(spec=trend, key="overview_trend")

if access.can(user, access.Permission.VIEW_ALL_LEADS):  # what the Reports need
    st.subheader(_("Revenue"))
    revenue_section.section(
        people=people,
        period=period,
        currency=org.currency,
        key="overview_revenue",
        exportable=access.can(user, access.Permission.EXPORT_REPORTS),
        actor=user,
        team=team,
    )
