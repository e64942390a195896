"""Settings: how the organisation keeps time and money, and its e-mail (admins only)."""

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from sla_core import org, periods
from sla_core.access import Permission, PermissionDenied, can
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.i18n.dates import default_week_start
from sla_core.org import OrgSettings, Weekday
from sla_core.periods import Calendar
from ui.data import current_user, get_engine
from ui.i18n import _, day, language, org_settings, period_name, remember_org_settings, when
from ui.mail import smtp_section
from ui.navigation import framed
from ui.widgets import clause

framed()

CALENDARS = {Calendar.GREGORIAN: _("Gregorian"), Calendar.JALALI: _("Jalali (Persian solar)")}
WEEKDAYS = {
    Weekday.SATURDAY: _("Saturday"),
    Weekday.SUNDAY: _("Sunday"),
    Weekday.MONDAY: _("Monday"),
}

engine = get_engine()
with session_scope(engine) as session:
    user = current_user(session)
    current = org.load_org_settings(session=session)

st.title(_("Settings"))
if not can(user, Permission.MANAGE_SETTINGS):
    st.error(_("Only an admin may change the organisation's settings."))
    st.stop()

st.caption(
    _(
        "Months and quarters (targets, compliance, leaderboards) are cut in this time zone "
        "and calendar; times are stored in UTC and shown in this zone."
    )
)
zones = org.time_zones()
with st.form("settings_form"):
    zone = st.selectbox(
        _("Time zone"),
        options=zones,
        index=zones.index(current.time_zone) if current.time_zone in zones else 0,
        key="settings_zone",
    )
    chosen_calendar = st.radio(
        _("Calendar"),
        options=list(CALENDARS),
        format_func=CALENDARS.__getitem__,
        index=list(CALENDARS).index(current.calendar),
        horizontal=True,
        key="settings_calendar",
    )
    week_start = st.selectbox(
        _("First day of the week"),
        options=list(WEEKDAYS),
        format_func=WEEKDAYS.__getitem__,
        index=list(WEEKDAYS).index(current.week_start),
        help=_("Persian teams usually start the week on Saturday."),
        key="settings_week_start",
    )
    currency = st.text_input(
        _("Currency"),
        value=current.currency,
        max_chars=3,
        help=_("A three-letter ISO code such as USD, EUR, IRR or SAR."),
        key="settings_currency",
    )
    saved = st.form_submit_button(_("Save settings"), type="primary", key="settings_save")

if saved:
    try:
        wanted = OrgSettings(
            time_zone=zone,
            calendar=Calendar(chosen_calendar),
            week_start=Weekday(week_start),
            currency=currency.strip().upper() or "USD",
        )
        with session_scope(engine) as session:
            stored = org.save_org_settings(session=session, settings=wanted, actor=user)
    except (ValidationError, PermissionDenied) as exc:
        st.error(_("The settings were not saved: {reason}").format(reason=clause(exc)))
    else:
        remember_org_settings(stored)
        st.success(_("Settings saved."), icon=":material/check_circle:")

if default_week_start(language()) == "saturday" and current.week_start is not Weekday.SATURDAY:
    st.info(_("Persian teams usually start the week on Saturday."), icon=":material/info:")
shown = org_settings()
month = periods.month_containing(now(), zone=shown.time_zone, calendar=shown.calendar)
last_day = (month.end - pd.Timedelta(microseconds=1)).tz_convert(shown.time_zone).date()
st.caption(
    _("It is now {moment} in {zone}. This month, {month}, runs from {first} to {last}.").format(
        moment=when(now()),
        zone=shown.time_zone,
        month=period_name(month),
        first=day(month.start.tz_convert(shown.time_zone).date()),
        last=day(last_day),
    )
)

st.divider()
smtp_section(user)
