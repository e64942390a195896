"""E-mail over SMTP with the standard library: settings from the environment or secrets.

Settings (environment variables, or the same keys without the prefix under [smtp] in
Streamlit secrets): LEADPACT_SMTP_HOST, _PORT (default 587), _SECURITY (starttls, ssl or
none; default starttls), _USER, _PASSWORD, _SENDER. No host: e-mail is off.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

PREFIX = "LEADPACT_SMTP_"
SECURITIES = ("starttls", "ssl", "none")
PENDING = "what was not sent stays pending for the next run"


class MailConfigError(ValueError):
    """The SMTP settings are incomplete or wrong, said in words."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int = 587
    security: str = "starttls"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "leadpact@localhost"
    timeout: float = 10.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], prefix: str = PREFIX) -> SmtpConfig | None:
        """Settings from `values` (os.environ, or secrets with prefix ""); None without a host."""

        def get(key: str) -> str | None:
            value = values.get(prefix + key, values.get(prefix + key.lower()))
            return None if value in (None, "") else str(value)

        host = get("HOST")
        if host is None:
            return None
        security = (get("SECURITY") or "starttls").lower()
        if security not in SECURITIES:
            raise MailConfigError(f"SMTP security {security!r}: use starttls, ssl or none")
        port_text = get("PORT") or ("465" if security == "ssl" else "587")
        if not port_text.isdigit():
            raise MailConfigError(f"SMTP port {port_text!r} is not a number")
        user, password = get("USER"), get("PASSWORD")
        if user and not password:
            raise MailConfigError(
                "an SMTP user needs a password (Settings page, or LEADPACT_SMTP_PASSWORD)"
            )
        sender = get("SENDER") or user or f"leadpact@{host}"
        return cls(host, int(port_text), security, user, password, sender)


class SettingsRefused(Exception):
    """The server refuses these settings (the login, TLS or the sender): nothing can go."""


class Unavailable(Exception):
    """The server cannot be reached or dropped the connection: try again later."""


class MessageRefused(Exception):
    """The server refused this one message (e.g. 550 for its recipient); others may go."""


@dataclass(frozen=True)
class Delivery:
    """Which messages went out (their indices) and, if the run stopped, why."""

    sent: tuple[int, ...]
    error: str | None = None
    refused: bool = False  # the server refused the settings (login, STARTTLS): not an outage


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
        )
    server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except smtplib.SMTPNotSupportedError:
            server.close()
            raise SettingsRefused(
                f"the SMTP server {config.host}:{config.port} does not offer STARTTLS: "
                "set the security to ssl (with its port), or to none only on a trusted network "
                "(Settings page, or LEADPACT_SMTP_SECURITY)"
            ) from None
    return server


def _unavailable(config: SmtpConfig, exc: BaseException) -> Unavailable:
    return Unavailable(
        f"the SMTP server {config.host}:{config.port} is unavailable ({exc}); {PENDING}"
    )


class Outbox:
    """One SMTP connection, opened at the first message; `send` says what became of each.

    `send` returns when the server accepted the message, raises `MessageRefused` when it
    refused that message only (the connection stays usable), `SettingsRefused` when it
    refuses the login, STARTTLS or the sender, and `Unavailable` when it cannot be reached
    or dropped the connection.
    """

    def __init__(self, config: SmtpConfig) -> None:
        self.config = config
        self._server: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        if self._server is not None:
            return self._server
        config = self.config
        try:
            server = _connect(config)
            if config.user:
                server.login(config.user, config.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise SettingsRefused(
                f"the SMTP server refused the login of {config.user!r}: "
                f"check the user and password (Settings page, or LEADPACT_SMTP_USER and _PASSWORD) "
                f"({exc.smtp_code})"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise _unavailable(config, exc) from None
        self._server = server
        return server

    def send(self, message: EmailMessage) -> None:
        """Send one message (see the class)."""
        server = self._open()
        if "From" not in message:
            message["From"] = self.config.sender
        try:
            server.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = "; ".join(f"{code} {_said(text)}" for code, text in exc.recipients.values())
            raise MessageRefused(f"the SMTP server refused the recipient ({codes})") from None
        except smtplib.SMTPSenderRefused as exc:
            raise SettingsRefused(
                f"the SMTP server refused the sender {self.config.sender!r}: check the sender "
                f"(Settings page, or LEADPACT_SMTP_SENDER) ({exc.smtp_code} {_said(exc.smtp_error)})"
            ) from None
        except smtplib.SMTPDataError as exc:
            raise MessageRefused(
                f"the SMTP server refused the message ({exc.smtp_code} {_said(exc.smtp_error)})"
            ) from None
        except smtplib.SMTPNotSupportedError as exc:  # e.g. an address needing SMTPUTF8
            raise MessageRefused(f"the SMTP server cannot take this message ({exc})") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise _unavailable(self.config, exc) from None

    def close(self) -> None:
        """Say goodbye to the server, if connected (a dropped line is fine)."""
        server, self._server = self._server, None
        if server is None:
            return
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _said(text: bytes | str) -> str:
    """The server's words, one line."""
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return " ".join(words.split())[:200]


def deliver(config: SmtpConfig, messages: Sequence[EmailMessage]) -> Delivery:
    """Send every message over one connection; stop at the first failure and say why."""
    sent: list[int] = []
    with Outbox(config) as outbox:
        for index, message in enumerate(messages):
            try:
                outbox.send(message)
            except SettingsRefused as exc:
                return Delivery(tuple(sent), str(exc), refused=True)
            except (Unavailable, MessageRefused) as exc:
                return Delivery(tuple(sent), str(exc))
            sent.append(index)
    return Delivery(tuple(sent))
