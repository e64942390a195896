"""Work time: business hours, holidays and away periods the SLA clocks count with."""

from datetime import date, time

import pandas as pd
import streamlit as st

from sla_core import browse
from sla_core.access import Permission, PermissionDenied, require
from sla_core.db import session_scope
from sla_core.sla.worktime import (
    BusinessHours,
    WorkTime,
    away_from_rows,
    load_work_time,
    parse_holidays,
    save_work_time,
)
from ui import tables
from ui.data import current_user, get_engine
from ui.i18n import _, calendar, day
from ui.navigation import framed
from ui.times import time_input
from ui.widgets import plain

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    stored = load_work_time(session=session)
    people = browse.people_frame(session=session)
try:
    require(user, Permission.MANAGE_SETTINGS)
except PermissionDenied as exc:
    st.error(plain(exc))
    st.stop()

st.title(_("Work time"))
st.caption(
    _(
        "SLA clocks count working time only: outside business hours, on holidays and while "
        "a rep is away they pause. Without business hours every hour counts."
    )
)
days = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
hours = stored.hours or BusinessHours()
with st.form("work_time_form"):
    office = st.toggle(
        _("Count business hours only"), value=stored.hours is not None, key="work_time_office"
    )
    weekdays = st.multiselect(
        _("Working days"), list(range(7)), default=list(hours.weekdays),
        format_func=lambda d: days[d], key="work_time_days",
    )  # fmt: skip
    start_col, end_col = st.columns(2)
    start = time_input(_("Opens"), value=hours.start, key="work_time_start", where=start_col)
    end = time_input(_("Closes"), value=hours.end, key="work_time_end", where=end_col)
    # one date per line in the reader's calendar and digits ("2026-12-25", fa "۱۴۰۵/۱۰/۰۴")
    holidays = st.text_area(
        _("Holidays for everyone (one date per line, as {example})").format(
            example=day(date(2026, 12, 25), long=False)
        ),
        value="\n".join(day(d, long=False) for d in stored.holidays),
        key="work_time_holidays",
    )
    reps = people[people["role"] == "sales_rep"]
    # a rep is picked by name ("name (username)"), not by the id the periods store
    rep_names = {
        int(rep.id): f"{rep.name or rep.username} ({rep.username})" for rep in reps.itertuples()
    }
    periods = pd.DataFrame(
        [a.model_dump() for a in stored.away], columns=["user_id", "start", "end", "reason"]
    ).astype({"start": "datetime64[s]", "end": "datetime64[s]"})
    periods["user_id"] = [rep_names.get(i, i) for i in periods["user_id"]]
    away = tables.data_editor(
        periods,
        num_rows="dynamic",
        key="work_time_away",
        column_config={
            "user_id": st.column_config.SelectboxColumn(
                _("Rep away"), options=list(rep_names.values()), required=True
            ),
            "start": st.column_config.DateColumn(_("First day")),
            "end": st.column_config.DateColumn(_("Last day")),
            "reason": st.column_config.TextColumn(_("Reason")),
        },
    )
    saved = st.form_submit_button(_("Save work time"), type="primary", key="work_time_save")

if saved:
    try:
        rep_ids = {name: rep_id for rep_id, name in rep_names.items()}
        rows = [
            {**row, "user_id": rep_ids.get(row["user_id"], row["user_id"]),
             "start": None if pd.isna(row["start"]) else pd.Timestamp(row["start"]).date(),
             "end": None if pd.isna(row["end"]) else pd.Timestamp(row["end"]).date()}
            for row in away.to_dict(orient="records")
        ]  # fmt: skip
        updated = WorkTime(
            hours=BusinessHours(weekdays=tuple(sorted(weekdays)), start=start or time(9),
                                end=end or time(17)) if office else None,
            holidays=parse_holidays(holidays, calendar()),
            teams=stored.teams,
            away=away_from_rows(rows),
        )  # fmt: skip
        with session_scope(get_engine()) as session:
            save_work_time(session=session, work_time=updated, actor=current_user(session))
        st.success(_("Work time saved: the clocks use it from now on."))
    except ValueError as exc:  # sla_core's reason, in the reader's language where it can be
        st.error(plain(exc))
