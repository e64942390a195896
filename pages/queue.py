"""Work queue: a rep's open leads by SLA deadline; log a touch, a disposition or a deal."""

import pandas as pd
import streamlit as st

from sla_core import access, browse, leads
from sla_core.db import session_scope
from sla_core.people.roster import working_reps
from sla_core.sla.queue import LATE, SAVE, sections, work_queue
from sla_core.sla.remind import notifications
from sla_core.stages import (
    Stage,
)
from ui import tables
from ui.amounts import amount_input
from ui.data import current_user, get_engine
from ui.flash import show_flash
from ui.i18n import _, digits, local_times, num, org_settings, stage_label
from ui.lead_actions import disposition_box, run, touch_box
from ui.lead_view import open_picked
from ui.mail import reminders_now
from ui.navigation import framed
from ui.sla_data import sla_view
from ui.widgets import plain

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    people = browse.people_frame(session=session)

reps = working_reps(people)  # reps who can sign in and work a queue
names = dict(zip(people["id"], people["name"], strict=True))
st.title(_("Work queue"))
if access.can(user, access.Permission.VIEW_TEAM_QUEUES):
    rep_ids = reps["id"].tolist()
    if not rep_ids:
        st.info(_("There are no active sales reps yet."))
        st.stop()
    rep_id = st.selectbox(
        _("Rep"), rep_ids, format_func=lambda i: names.get(i, f"#{i}"), key="queue_rep"
    )
else:
    rep_id = user.id
try:
    access.require_queue_access(user, int(rep_id or 0))
except access.PermissionDenied as exc:
    st.error(plain(exc))
    st.stop()

with session_scope(get_engine()) as session:
    mine = notifications(session=session, user=user)
if not mine.empty:
    with st.expander(
        _("Notifications ({count})").format(count=len(mine)), icon=":material/notifications:"
    ):
        tables.dataframe(
            mine,
            hide_index=True,
            key="queue_notifications",
            instants={"at": mine["at"]},  # fa, ar: their calendar, in UTC as the header says
            column_config={
                "at": st.column_config.DatetimeColumn(_("When (UTC)"), format="YYYY-MM-DD HH:mm"),
                "text": st.column_config.TextColumn(_("Reminder")),
                "emailed": st.column_config.CheckboxColumn(_("E-mailed")),
            },
        )

if access.can(user, access.Permission.SEND_REMINDERS):
    reminders_now(user)

view = sla_view(int(rep_id or 0))
queue = work_queue(view.leads, view.clocks, view.ref)
windows = view.content.windows
st.caption(
    _(
        "Open leads in the order to work them: disposition within {hours} working hours of "
        "assignment, first touch within {days} business days, {attempts} follow-up attempts."
    ).format(
        hours=num(windows.disposition_hours),
        days=num(windows.work_within_days),
        attempts=num(windows.follow_up_attempts),
    )
)

show_flash("queue")

counts = queue["status"].value_counts()
total, risk, late, away = st.columns(4)
total.metric(_("Open leads"), num(len(queue)), border=True)
risk.metric(_("At risk"), num(int(counts.get("at_risk", 0))), border=True)
late.metric(_("Overdue"), num(int(counts.get("breached", 0))), border=True)
away.metric(_("Waiting for reassignment"), num(int(queue["reassign"].sum())), border=True)

zone = org_settings().time_zone
status_words = {"at_risk": _("At risk"), "on_track": _("On track"), "breached": _("Late")}


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A section of the queue for this reader: words, not codes; deadlines in the
    organisation's zone (local text and digits for fa and ar readers)."""
    out = frame.drop(columns=["owner_id", "hours_left", "late"]).assign(
        countdown=frame["countdown"].map(lambda v: _(v) if v else ""),
        status=frame["status"].map(lambda v: status_words.get(v, v)),
        stage=frame["stage"].map(stage_label),
        next_deadline=frame["next_deadline"].dt.tz_convert(zone),
    )
    return local_times(out, ["next_deadline"])


def draw(frame: pd.DataFrame, key: str) -> None:
    table = shown(frame)
    deadline = _("Deadline ({zone})").format(zone=zone)
    as_text = not isinstance(table["next_deadline"].dtype, pd.DatetimeTZDtype)  # fa, ar
    clicked = tables.dataframe(
        table,
        hide_index=True,
        key=key,
        on_select="rerun",
        selection_mode="single-row",
        height=min(38 + 35 * max(len(frame), 1), 458),
        column_config={
            "id": st.column_config.NumberColumn(_("Lead"), format="%d", width=70),
            "countdown": st.column_config.TextColumn(_("Time left"), width=110),
            "name": st.column_config.TextColumn(_("Name")),
            "company": st.column_config.TextColumn(_("Company")),
            "stage": st.column_config.TextColumn(_("Stage"), width=90),
            "status": st.column_config.TextColumn(_("Clock"), width=90),
            "next_deadline": st.column_config.TextColumn(deadline)
            if as_text
            else st.column_config.DatetimeColumn(deadline, format="YYYY-MM-DD HH:mm"),
            "touches": st.column_config.NumberColumn(_("Touches"), width=70),
            "follow_ups_required": st.column_config.NumberColumn(_("Required"), width=70),
            "reassign": st.column_config.CheckboxColumn(_("Rep away"), width=80),
        },
    )
    open_picked(clicked, frame["id"].tolist())  # a row opens the lead page


parts = sections(queue)
if not parts[SAVE].empty or parts[LATE].empty:
    draw(parts[SAVE], "queue_table")
if not parts[LATE].empty:
    st.subheader(_("Already late"))
    st.caption(_("Their deadline has passed; the latest miss first. Save the leads above first."))
    draw(parts[LATE], "queue_late_table")
if not queue.empty:
    st.caption(_("Click a row to open the lead, or work it below."))
if queue.empty:
    st.success(_("Nothing is waiting: every lead in this queue has been worked."))
    st.stop()


# Options are lead ids and the label names the lead only: a label that carried the live
# countdown changed with every write or minute, and the browser, holding a label that was
# gone, fell back to the first lead, so the next click acted on a lead the rep never picked.
# The lead's number in the reader's digits (#۲۹۶۵ in fa).
names_of = {row.id: f"#{digits(str(row.id))} {row.name}" for row in queue.itertuples()}
labels = {row.id: f"#{digits(str(row.id))} · {row.name}" for row in queue.itertuples()}
lead_id = st.selectbox(
    _("Lead to work on"), list(labels), format_func=lambda i: labels[i], key="queue_lead"
)
lead_name = plain(names_of[lead_id])  # shown through Markdown in the confirmation
row = view.leads.loc[view.leads["id"] == lead_id].iloc[0]
seen = leads.seen_of(row)

touch_box("queue", "queue", lead_id=int(lead_id), lead_name=lead_name)
stage = Stage(row["stage"])
disposition_box("queue", "queue", lead_id=int(lead_id), lead_name=lead_name, stage=stage, seen=seen)

with st.container(border=True):
    value_col, open_col = st.columns([2, 1], vertical_alignment="bottom")
    value = amount_input(
        _("Deal value"), min_value=0.0, value=0.0, step=1000.0, key="queue_deal_value",
        where=value_col,
    )  # fmt: skip
    open_col.button(
        _("Open opportunity"),
        key="queue_open_opportunity",
        on_click=run,
        args=(
            "queue",
            leads.open_opportunity,
            _("Opportunity opened on {lead}.").format(lead=lead_name),
        ),
        kwargs={"lead_id": int(lead_id), "value": value, "seen": seen},
        disabled=value is None,  # what was typed is not a number (said below the box)
    )
