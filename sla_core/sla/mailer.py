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
            raise MailConfigError("an SMTP user needs a password (LEADPACT_SMTP_PASSWORD)")
        sender = get("SENDER") or user or f"leadpact@{host}"
        return cls(host, int(port_text), security, user, password, sender)


@dataclass(frozen=True)
class Delivery:
    """Which messages went out (their indices) and, if the run stopped, why."""

    sent: tuple[int, ...]
    error: str | None = None
    refused: bool = False  # the server refused the login: a settings problem, not an outage


def _connect(config: SmtpConfig) -> smtplib.SMTP:
    if config.security == "ssl":
        return smtplib.SMTP_SSL(
            config.host, config.port, timeout=config.timeout, context=ssl.create_default_context()
        )
    server = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    if config.security == "starttls":
        server.starttls(context=ssl.create_default_context())
    return server


def deliver(config: SmtpConfig, messages: Sequence[EmailMessage]) -> Delivery:
    """Send every message over one connection; stop at the first failure and say why."""
    sent: list[int] = []
    try:
        with _connect(config) as server:
            if config.user:
                server.login(config.user, config.password or "")
            for index, message in enumerate(messages):
                if "From" not in message:
                    message["From"] = config.sender
                server.send_message(message)
                sent.append(index)
    except smtplib.SMTPAuthenticationError as exc:
        return Delivery(tuple(sent), f"the SMTP server refused the login of {config.user!r}: "
                        f"check LEADPACT_SMTP_USER and _PASSWORD ({exc.smtp_code})", refused=True)  # fmt: skip
    except (OSError, smtplib.SMTPException) as exc:
        return Delivery(
            tuple(sent),
            f"the SMTP server {config.host}:{config.port} is unavailable ({exc}); "
            "what was not sent stays pending for the next run",
        )
    return Delivery(tuple(sent))
