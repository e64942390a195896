"""A lead: its profile and score explained, who owned it when, every event, each SLA clock
in words, the next step, and for whoever works it the queue's actions (`/lead?id=123`)."""

import pandas as pd
import streamlit as st

from sla_core import leads
from sla_core.access import PermissionDenied
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.sla.lead_file import LeadFile, LeadNotFound, NotYourLead, lead_file
from sla_core.stages import (
    AWAITING_DISPOSITION,
    Stage,
)
from ui import tables
from ui.data import current_user, get_engine
from ui.flash import show_flash
from ui.i18n import _, digits, num, org_settings, stage_label
from ui.lead_actions import disposition_box, touch_box
from ui.lead_view import (
    clocks_table,
    events_table,
    owners_table,
    profile_table,
    score_table,
)
from ui.navigation import framed
from ui.widgets import plain

framed()

raw = str(st.query_params.get("id", "")).strip()
if not raw:
    st.info(_("Open a lead from Leads, the work queue, Compliance or the Leaderboard."))
    st.page_link("pages/leads.py", label=_("Go to Leads"), icon=":material/table_rows:")
    st.stop()
if not raw.isdigit():
    st.error(_("“{id}” is not a lead number.").format(id=plain(raw)))
    st.stop()
lead_id = int(raw)

with session_scope(get_engine()) as session:
    user = current_user(session)
    try:
        found: LeadFile = lead_file(session=session, lead_id=lead_id, user=user, ref=now())
    except LeadNotFound:
        st.error(_("There is no lead number {id}.").format(id=num(lead_id)))
        st.stop()
    except NotYourLead:
        st.error(
            _("Lead {id} belongs to another rep: you see only your own leads.").format(
                id=num(lead_id)
            ),
            icon=":material/block:",
        )
        st.stop()
    except PermissionDenied:
        refused = _("{title} is for {audience}.")  # as the registry's refusal says it
        st.error(
            refused.format(title=_("Lead"), audience=_("sales and marketing")),
            icon=":material/block:",
        )
        st.stop()

lead = found.lead
name = " ".join(str(lead.get(p) or "") for p in ("first_name", "last_name")).strip()
st.title(plain(name or lead.get("email") or _("Lead {id}").format(id=num(lead_id))))
st.caption(
    plain(
        " · ".join(
            part
            for part in (
                str(lead.get("company") or ""),
                stage_label(str(lead["stage"])),
                _("owner: {owner}").format(owner=found.owner) if found.owner else _("no owner"),
            )
            if part
        )
    )
)

show_flash("lead")

# the step is our own sentence (numbers and words only, no stored text)
st.info(_("**Next step:** {step}").format(step=_(found.next_step)), icon=":material/flag:")


def table(frame: pd.DataFrame, key: str) -> None:
    """One of the page's tables, its columns in the reader's order (right to left in fa, ar)."""
    tables.dataframe(frame, hide_index=True, key=key, column_order=list(frame.columns))


zone = org_settings().time_zone
st.subheader(_("SLA clocks"))
st.caption(_("Deadlines in {zone}.").format(zone=zone))
table(clocks_table(found), "lead_clocks")

profile, score = st.columns(2)
with profile:
    st.subheader(_("Profile"))
    table(profile_table(found), "lead_profile")
with score:
    st.subheader(_("MQL score"))
    verdict = _("meets the threshold") if found.total >= found.threshold else _("below it")
    st.markdown(
        _("**{score}** points against a threshold of **{threshold}**: {verdict}.").format(
            score=num(found.total), threshold=num(found.threshold), verdict=verdict
        )
    )
    if found.exempt:
        st.caption(_("Exempt: below the threshold at hand-off, it does not count against sales."))
    table(score_table(found), "lead_score")

st.subheader(_("Owners"))
table(owners_table(found), "lead_owners")
st.subheader(_("Events"))
if found.events.empty:
    st.caption(_("No events recorded yet."))
else:
    table(events_table(found), "lead_events")


stage = Stage(str(lead["stage"]))
if not found.may_work or stage not in AWAITING_DISPOSITION:
    st.stop()
seen = leads.seen_of(pd.Series(lead))  # the state this page showed: a later change is refused

st.subheader(_("Work this lead"))
number = f"#{digits(str(lead_id))}"  # in the reader's digits
lead_name = plain(f"{number} {name}" if name else number)  # shown through Markdown
touch_box("lead", "lead", lead_id=lead_id, lead_name=lead_name)
disposition_box("lead", "lead", lead_id=lead_id, lead_name=lead_name, stage=stage, seen=seen)
