"""Overview: this month's service levels against the agreement's targets."""

import streamlit as st

from sla_core import agreement, browse, charts, compliance, funnel
from sla_core.clock import now
from sla_core.db import session_scope
from ui.data import current_user, get_engine, leads_for
from ui.widgets import agreement_banner

with session_scope(get_engine()) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)
    people = browse.people_frame(session=session)

owner_id = compliance.overview_scope(user)
ref = now()
frame = leads_for(owner_id)
stats = compliance.overview(frame, governing.content, ref)
targets = compliance.targets_for(governing.content, people, owner_id)
weeks = funnel.weekly_mqls(frame, ref)

st.title("Overview")
scope = "your own leads" if owner_id is not None else "the whole organisation"
st.caption(f"{ref:%B %Y} so far (UTC), {scope}. Targets are for the whole month.")
agreement_banner(governing)

mqls, disposition, conversion, opportunities = st.columns(4)
mqls.metric(
    "MQLs this month",
    f"{stats.mqls:,}",
    delta=stats.mqls - targets.mqls,
    delta_description=f"vs target {targets.mqls:,}",
    border=True,
)
disposition.metric(
    "Dispositioned in time",
    "—" if stats.disposition_pct is None else f"{stats.disposition_pct:.1f} %",
    delta=f"{stats.disposition_met:,} of {stats.disposition_due:,} due",
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=f"Leads assigned this month that were dispositioned within "
    f"{governing.content.windows.disposition_hours} hours of assignment, out of those due.",
)
conversion.metric(
    "Conversion",
    "—" if stats.conversion_pct is None else f"{stats.conversion_pct:.1f} %",
    delta=None
    if stats.conversion_pct is None
    else f"{stats.conversion_pct - targets.conversion_pct:+.1f} pts",
    delta_description=f"vs target {targets.conversion_pct:g} %",
    border=True,
    help="Deals won this month divided by MQLs this month.",
)
opportunities.metric(
    "Opportunities this month",
    f"{stats.opportunities:,}",
    delta=stats.opportunities - targets.opportunities,
    delta_description=f"vs target {targets.opportunities:,}",
    border=True,
)

left, right = st.columns([2, 3])
with left:
    st.altair_chart(
        charts.gauge(stats.disposition_pct, targets.disposition_pct, "Dispositioned in time"),
        key="overview_gauge",
        width="content",
    )
with right:
    st.altair_chart(charts.weekly_trend(weeks), key="overview_trend")
