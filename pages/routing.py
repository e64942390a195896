"""Routing: hand unassigned MQLs to reps by priority, within their caps, after a preview."""

import streamlit as st

from sla_core import agreement
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.marketing import route_run
from sla_core.org import load_org_settings
from sla_core.people.roster import active_reps
from ui import hand_off, tables
from ui.data import current_snapshot, current_user, get_engine
from ui.flash import flash, show_flash
from ui.i18n import _, num
from ui.marketing import people
from ui.navigation import framed
from ui.widgets import agreement_banner, plain

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)
    stored_away = route_run.away_now(session=session, ref=now())
    settings = load_org_settings(session=session)

staff = people()
reps = active_reps(staff)
targets = governing.content.targets

st.title(_("Routing"))
agreement_banner(governing)
st.caption(
    _(
        "Unassigned MQLs go to active reps by score, then age: reps below the monthly "
        "minimum of {low} first, then the least loaded, never above {high} per month."
    ).format(low=num(targets.min_mqls_per_rep), high=num(targets.max_mqls_per_rep))
)
show_flash("routing")

names = dict(zip(reps["id"].tolist(), reps["name"].tolist(), strict=True))
away = st.multiselect(
    _("Reps who are away (they receive nothing)"),
    list(names),
    default=[rep for rep in names if rep in stored_away],
    format_func=lambda rep: names[rep],
    placeholder=_("Nobody"),  # Streamlit's own placeholder is English
    key="routing_away",
    help=_("Reps with an away period covering today are listed already."),
)


# Once per data revision (a write or an assignment is a new one), agreement, reps,
# away set and settings, shared by every session (route_run.preview).
seen = (
    governing.version.id,
    tuple(reps[["id", "name"]].itertuples(index=False, name=None)),
    settings.time_zone,
    settings.calendar,
)
try:
    with session_scope(get_engine()) as session:
        plan = route_run.preview(
            session=session, actor=user, away=away, memo=current_snapshot().memo, seen=seen
        )
except route_run.NoRepAvailable as exc:
    st.error(_("No active sales rep can receive leads: nothing can be assigned."))
    st.caption(plain(exc))
    st.stop()

waiting_now, over = hand_off.read(targets.max_mqls_per_rep)

waiting, oldest, routed = st.columns(3)
waiting.metric(_("Unassigned MQLs"), num(plan.waiting), border=True)
oldest.metric(
    _("Oldest unassigned MQL waits"),
    hand_off.oldest_text(waiting_now),
    border=True,
)
routed.metric(_("Would be assigned now"), num(plan.assigned), border=True)
if plan.waiting > plan.assigned:
    st.warning(
        _("{left} MQLs stay unassigned: every rep is at the monthly max.").format(
            left=num(plan.waiting - plan.assigned)
        )
    )
hand_off.show_over_cap(over, targets.max_mqls_per_rep, key="routing_over_cap")
tables.dataframe(
    plan.reps,
    hide_index=True,
    key="routing_plan",
    column_order=[c for c in plan.reps.columns if c != "id"],
    column_config={
        "id": None,
        "name": _("Rep"),
        "month": _("Leads this month"),
        "routed": _("Routed now"),
        "load_after": _("Leads this month after"),
    },
)
if st.button(
    _("Assign {n} leads").format(n=num(plan.assigned)),
    key="routing_apply",
    type="primary",
    disabled=plan.assigned == 0,
):
    with session_scope(get_engine()) as session:
        done = route_run.route(session=session, actor=user, away=set(away))
    flash("routing", plain(done.summary()), icon=":material/check:")
    st.rerun()
