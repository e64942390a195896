"""E-mail without a terminal: the SMTP section of Settings, a test e-mail, and the reminder
run a manager starts from a page (the same `run_reminders` the `remind` command runs)."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from sla_core.access import Permission, PermissionDenied, can
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import User
from sla_core.settings import Settings
from sla_core.sla.mail_settings import (
    MailSettings,
    environment_names,
    load_mail_settings,
    save_mail_settings,
    send_test_email,
)
from sla_core.sla.mailer import SECURITIES, MailConfigError, SmtpConfig
from sla_core.sla.remind import RemindReport, run_reminders
from ui import tables
from ui.data import get_engine
from ui.i18n import _, num
from ui.sla_data import smtp_config
from ui.widgets import plain

SETTINGS_PAGE = "pages/settings.py"


def not_set_up(user: User) -> None:
    """Say e-mail is not set up, with the way to the Settings page (or who can set it up)."""
    st.error(_("E-mail is not set up (no SMTP host in the settings)."), icon=":material/mail:")
    if can(user, Permission.MANAGE_SETTINGS):
        st.page_link(SETTINGS_PAGE, label=_("Set up e-mail on the Settings page"),
                     icon=":material/settings:")  # fmt: skip
    else:
        st.caption(_("An admin sets up e-mail on the Settings page."))


def _config(user: User) -> tuple[bool, SmtpConfig | None]:
    """Whether the settings are usable, and the SMTP settings in force (None: not set up);
    what is wrong or missing is said on the page."""
    try:
        config = smtp_config()
    except MailConfigError as exc:
        st.error(_("The e-mail settings cannot be used: {reason}").format(reason=plain(exc)))
        return False, None
    if config is None:
        not_set_up(user)
    return True, config


def smtp_section(user: User) -> None:
    """The SMTP settings form (admins), the test e-mail and the reminder run."""
    st.subheader(_("E-mail (SMTP)"))
    with session_scope(get_engine()) as session:
        stored = load_mail_settings(session=session)
    from_env = environment_names(Settings.from_environ().smtp_values)
    if from_env:
        st.info(
            _("Set in the server's environment, and winning over the value here: {names}.").format(
                names=", ".join(from_env)
            ),
            icon=":material/info:",
        )
    _form(user, stored)
    test_col, remind_col = st.columns(2)
    with test_col:
        test_button(user)
    with remind_col:
        reminders_now(user)


def _form(user: User, stored: MailSettings) -> None:
    with st.form("smtp_form"):
        host = st.text_input(_("SMTP server"), value=stored.host, key="smtp_host",
                             placeholder=_("smtp.example.com"))  # fmt: skip
        port = st.text_input(_("Port"), value=str(stored.port or ""), key="smtp_port",
                             help=_("Empty: 587 for STARTTLS, 465 for SSL."))  # fmt: skip
        named = {"starttls": "STARTTLS", "ssl": "SSL", "none": _("None (unencrypted)")}
        security = st.radio(_("Security"), options=list(SECURITIES), horizontal=True,
                            index=list(SECURITIES).index(stored.security),
                            format_func=lambda s: named.get(s, s),
                            key="smtp_security")  # fmt: skip
        login = st.text_input(_("User name"), value=stored.user, key="smtp_user")
        hint = (
            _("A password is set — type a new one to change it.")
            if stored.has_password
            else _("No password is set.")
        )
        password = st.text_input(_("Password"), value="", type="password", key="smtp_password",
                                 placeholder=hint, help=hint)  # fmt: skip
        forget = st.checkbox(_("Remove the stored password"), key="smtp_forget",
                             disabled=not stored.has_password)  # fmt: skip
        sender = st.text_input(_("Sender address"), value=stored.sender, key="smtp_sender",
                               placeholder=_("leadpact@example.com"))  # fmt: skip
        saved = st.form_submit_button(_("Save e-mail settings"), key="smtp_save")
    if not saved:
        return
    if port.strip() and not port.strip().isdigit():
        st.error(_("The port must be a whole number, such as 587."))
        return
    try:
        wanted = MailSettings(host=host.strip(), port=int(port) if port.strip() else None,
                              security=security, user=login.strip(), sender=sender.strip())  # fmt: skip
        with session_scope(get_engine()) as session:
            save_mail_settings(session=session, settings=wanted, actor=user,
                               new_password=password, clear_password=forget)  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        st.error(_("The e-mail settings were not saved: {reason}").format(reason=plain(exc)))
        return
    st.success(_("E-mail settings saved."), icon=":material/check_circle:")


def test_button(user: User) -> None:
    """A button sending a test e-mail to the signed-in admin; one line on how it went."""
    if not st.button(_("Send a test e-mail"), key="smtp_test", icon=":material/send:"):
        return
    if not user.email:
        st.error(_("Your account has no e-mail address: add one on the Users page first."))
        return
    _usable, config = _config(user)
    if config is None:
        return
    try:
        problem = send_test_email(config=config, actor=user)
    except PermissionDenied as exc:
        problem = str(exc)
    if problem:
        st.error(_("The test e-mail was not sent: {reason}").format(reason=plain(problem)))
    else:
        st.success(_("Test e-mail sent to {address}.").format(address=plain(user.email)))


def reminders_now(user: User) -> None:
    """A button running the due reminders now (sales managers and admins): who got what,
    who was held. The same run as `python -m sla_core remind`, claims and all."""
    if not can(user, Permission.SEND_REMINDERS):
        return
    if not st.button(_("Send due reminders now"), key="remind_now", icon=":material/alarm:"):
        return
    usable, config = _config(user)
    if not usable:
        return
    with st.spinner(_("Sending the due reminders…")):
        try:
            report = run_reminders(engine=get_engine(), actor=user, config=config, ref=now())
        except PermissionDenied as exc:
            st.error(plain(exc))
            return
    _report(report, emailing=config is not None)


def _report(report: RemindReport, *, emailing: bool) -> None:
    summary = _(
        "{due} reminder steps due, {new} new; {emailed} e-mailed; {reassigned} leads reassigned."
    ).format(due=num(report.due), new=num(report.new), emailed=num(report.emailed),
             reassigned=num(report.reassigned))  # fmt: skip
    if report.error and emailing:
        st.error(plain(report.error))
    (st.warning if report.held or report.error else st.success)(summary)
    rows = [
        {"person": s.name, "email": s.email, "reminders": s.reminders, "outcome": _("Sent")}
        for s in report.sent
    ] + [
        {"person": h.name, "email": h.email, "reminders": h.reminders,
         "outcome": _("Held: {reason}").format(reason=h.reason)}
        for h in report.held
    ]  # fmt: skip
    if rows:
        tables.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            key="remind_now_report",
            column_config={
                "person": st.column_config.TextColumn(_("Person")),
                "email": st.column_config.TextColumn(_("E-mail")),
                "reminders": st.column_config.NumberColumn(_("Reminders")),
                "outcome": st.column_config.TextColumn(_("Outcome")),
            },
        )
