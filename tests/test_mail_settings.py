"""E-mail without a terminal: SMTP settings kept in the database (the environment wins), the
password kept out of logs and audit entries, a test e-mail and the `remind` command reading
the stored settings, all against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import select

from sla_core import cli
from sla_core.access import PermissionDenied, system_actor
from sla_core.db import session_scope
from sla_core.models import AuditEntry, Role, Setting, User
from sla_core.sla.mail_settings import (
    MailSettings,
    effective_config,
    environment_names,
    load_mail_settings,
    save_mail_settings,
    send_test_email,
)
from tests.test_sla_reminders import (
    REF,
    Inbox,
    engine,  # noqa: F401 (fixture: a rep, two managers, 3 MQLs)
    free_port,
)

SECRET = "pa55-Never-Shown"


class Refusing(Inbox):
    """A server that refuses one recipient with 550."""

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]
        if address.startswith("nobody@"):
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def _authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == SECRET.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    box = Refusing()
    controller = Controller(box, hostname="127.0.0.1", port=port, auth_require_tls=False,
                            authenticator=_authenticator)  # fmt: skip
    controller.start()
    yield box
    controller.stop()


def _admin(session, email: str = "admin@example.com") -> User:  # type: ignore[no-untyped-def]
    admin = User(username="admin", name="Ada Admin", role=Role.ADMIN, email=email)
    session.add(admin)
    session.flush()
    return admin


def _settings(port: int, **extra: object) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security="none", user="sla",
                        sender="sla@example.com", **extra)  # type: ignore[arg-type]  # fmt: skip


def test_the_stored_settings_keep_the_password_until_a_new_one_is_typed(engine) -> None:  # noqa: F811
    with session_scope(engine) as session:
        admin = _admin(session)
        save_mail_settings(session=session, settings=_settings(2525), actor=admin,
                           new_password=SECRET)  # fmt: skip
        save_mail_settings(session=session, settings=_settings(2526), actor=admin)
        kept = load_mail_settings(session=session)
        assert (kept.port, kept.has_password) == (2526, True)
        assert kept.password.get_secret_value() == SECRET
        assert SECRET not in repr(kept) and SECRET not in str(kept.public())
        config = effective_config(session=session, environ_values={})
        assert config is not None and (config.port, config.password) == (2526, SECRET)
        save_mail_settings(session=session, settings=_settings(2526), actor=admin,
                           clear_password=True)  # fmt: skip
        assert not load_mail_settings(session=session).has_password


def test_the_environment_wins_over_each_stored_value(engine) -> None:  # noqa: F811
    env = {"LEADPACT_SMTP_HOST": "mail.example.com", "LEADPACT_SMTP_SECURITY": "ssl"}
    with session_scope(engine) as session:
        admin = _admin(session)
        assert effective_config(session=session, environ_values={}) is None  # nothing: off
        save_mail_settings(session=session, settings=_settings(2525), actor=admin,
                           new_password=SECRET)  # fmt: skip
        config = effective_config(session=session, environ_values=env)
    assert config is not None
    assert (config.host, config.security, config.port, config.user) == (
        "mail.example.com", "ssl", 2525, "sla"
    )  # fmt: skip
    assert environment_names(env) == ["LEADPACT_SMTP_HOST", "LEADPACT_SMTP_SECURITY"]


def test_only_an_admin_changes_the_settings_or_sends_a_test(engine, port) -> None:  # noqa: F811
    with session_scope(engine) as session:
        for role in (Role.SALES_REP, Role.SALES_MANAGER, Role.MARKETING_MANAGER):
            someone = User(username=role.value, name="X", role=role, email="x@example.com")
            with pytest.raises(PermissionDenied):
                save_mail_settings(session=session, settings=_settings(port), actor=someone,
                                   new_password="mine")  # fmt: skip
            with pytest.raises(PermissionDenied):
                send_test_email(config=_settings_config(port), actor=someone)
        assert session.get(Setting, "smtp") is None


def _settings_config(port: int):  # type: ignore[no-untyped-def]
    from sla_core.sla.mailer import SmtpConfig

    return SmtpConfig("127.0.0.1", port, "none", "sla", SECRET, "sla@example.com")


def test_a_test_email_reaches_the_admin_or_says_the_servers_refusal(engine, inbox, port) -> None:  # noqa: F811
    with session_scope(engine) as session:
        admin = _admin(session)
        save_mail_settings(session=session, settings=_settings(port), actor=admin,
                           new_password=SECRET)  # fmt: skip
        config = effective_config(session=session, environ_values={})
        assert config is not None
        assert send_test_email(config=config, actor=admin) is None
        nobody = User(username="n", name="N", role=Role.ADMIN, email="nobody@example.com")
        refused = send_test_email(config=config, actor=nobody)
        bare = User(username="b", name="B", role=Role.ADMIN)
        missing = send_test_email(config=config, actor=bare)
    assert [m["To"] for m in inbox.messages] == ["admin@example.com"]  # type: ignore[index]
    assert inbox.messages[0]["Subject"] == "LeadPact test e-mail"  # type: ignore[index]
    assert refused == "the SMTP server refused the recipient (550 5.1.1 no such mailbox here)"
    assert missing is not None and "no e-mail address" in missing
    wrong = _settings_config(port)
    object.__setattr__(wrong, "password", "wrong")
    said = send_test_email(config=wrong, actor=admin)
    assert said is not None and said.startswith("the SMTP server refused the login of 'sla'")


def test_the_password_never_reaches_the_logs_or_the_audit(engine, inbox, port, caplog) -> None:  # noqa: F811
    caplog.set_level(logging.DEBUG)
    with session_scope(engine) as session:
        admin = _admin(session)
        save_mail_settings(session=session, settings=_settings(port), actor=admin,
                           new_password=SECRET)  # fmt: skip
        config = effective_config(session=session, environ_values={})
        assert config is not None and send_test_email(config=config, actor=admin) is None
        entries = session.exec(select(AuditEntry)).all()
    assert [e.action for e in entries] == ["smtp"]
    assert "'password_set': True" in (entries[0].detail or "")
    assert all(SECRET not in (e.detail or "") for e in entries)
    assert caplog.records and SECRET not in caplog.text  # aiosmtpd logs the whole session
    assert SECRET not in repr(config)


def test_the_remind_command_sends_with_the_stored_settings(
    engine,  # noqa: F811
    inbox,
    port,
    clock_at,
    monkeypatch,
    capsys,  # noqa: F811
) -> None:
    for name in ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "SENDER"):
        monkeypatch.delenv(f"LEADPACT_SMTP_{name}", raising=False)
    with session_scope(engine) as session:
        save_mail_settings(session=session, settings=_settings(port), actor=system_actor(),
                           new_password=SECRET)  # fmt: skip
    clock_at(REF)
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    code = cli.main(["remind"])
    said = capsys.readouterr().out
    assert code == 0, said
    assert sorted(str(m["To"]) for m in inbox.messages) == [  # type: ignore[index]
        "boss@example.com", "rep@example.com"
    ]  # fmt: skip
    assert SECRET not in said
