"""The SMTP settings an admin keeps in the app (the `setting` row "smtp"), and a test e-mail.

The environment (LEADPACT_SMTP_*) still wins: each variable set there overrides the stored
value of the same name. The password is stored but never shown, never logged and never
written into an audit entry; saving without a new password keeps the old one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.message import EmailMessage

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from sqlmodel import Session

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.agreement.wording import Wording
from sla_core.clock import now
from sla_core.i18n.languages import N_, parse_language
from sla_core.models import Setting, User
from sla_core.people.users import address_problem
from sla_core.sla.mailer import (
    PENDING,
    PREFIX,
    SECURITIES,
    MailConfigError,
    MessageRefused,
    Outbox,
    SettingsRefused,
    SmtpConfig,
    Unavailable,
)

SMTP_KEY = "smtp"
FIELDS = ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "SENDER")


class MailSettings(BaseModel):
    """The SMTP settings stored in the database (no host: e-mail is off)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = ""
    port: int | None = Field(default=None, ge=1, le=65535)
    security: str = "starttls"
    user: str = ""
    password: SecretStr = SecretStr("")
    sender: str = ""

    @field_validator("security")
    @classmethod
    def _known_security(cls, value: str) -> str:
        if value not in SECURITIES:
            raise ValueError(f"SMTP security {value!r}: use starttls, ssl or none")
        return value

    @property
    def has_password(self) -> bool:
        return bool(self.password.get_secret_value())

    def as_values(self) -> dict[str, str]:
        """The stored values under the environment's names (LEADPACT_SMTP_HOST, ...)."""
        values = {"HOST": self.host, "PORT": str(self.port or ""), "SECURITY": self.security,
                  "USER": self.user, "PASSWORD": self.password.get_secret_value(),
                  "SENDER": self.sender}  # fmt: skip
        return {PREFIX + k: v for k, v in values.items() if v}

    def public(self) -> dict[str, object]:
        """What may be shown or audited: everything but the password (only whether it is set)."""
        shown = self.model_dump(exclude={"password"})
        return {**shown, "password_set": self.has_password}


def load_mail_settings(*, session: Session) -> MailSettings:
    """The stored SMTP settings (empty until an admin saves them)."""
    row = session.get(Setting, SMTP_KEY)
    if row is None:
        return MailSettings()
    return MailSettings.model_validate_json(row.value)


def save_mail_settings(
    *,
    session: Session,
    settings: MailSettings,
    actor: User,
    new_password: str = "",
    clear_password: bool = False,
) -> MailSettings:
    """Store the SMTP settings (admins only); the password changes only when a new one is
    given (or it is cleared). The audit entry says whether a password is set, never which."""
    require(actor, Permission.MANAGE_SETTINGS)
    old = load_mail_settings(session=session)
    password = "" if clear_password else (new_password or old.password.get_secret_value())
    stored = settings.model_copy(update={"password": SecretStr(password)})
    row = session.get(Setting, SMTP_KEY) or Setting(key=SMTP_KEY, value="")
    row.value = json.dumps({**stored.model_dump(exclude={"password"}), "password": password})
    session.add(row)
    changed = "changed" if new_password or clear_password else "kept"
    detail = {**stored.public(), "password": changed}
    audit.record(session=session, actor=actor, action=SMTP_KEY, entity="setting",
                 entity_id=SMTP_KEY, detail=str(detail))  # fmt: skip
    session.flush()
    return stored


def environment_names(environ_values: Mapping[str, str]) -> list[str]:
    """The SMTP variables the environment sets (each wins over the stored value)."""
    return [PREFIX + f for f in FIELDS if environ_values.get(PREFIX + f)]


def effective_config(*, session: Session, environ_values: Mapping[str, str]) -> SmtpConfig | None:
    """The SMTP settings in force: the stored ones, each overridden by the environment's.

    None: e-mail is off (no host anywhere); MailConfigError when they are wrong."""
    stored = load_mail_settings(session=session).as_values()
    return SmtpConfig.from_mapping({**stored, **environ_values})


def send_test_email(*, config: SmtpConfig, actor: User) -> str | None:
    """Send a test e-mail to `actor`'s own address (admins only): None when the server
    accepted it, else the reason in one line (the server's refusal, a bad address)."""
    require(actor, Permission.MANAGE_SETTINGS)
    address = actor.email or ""
    if not address:
        return "your account has no e-mail address: add one on the Users page first"
    problem = address_problem(address)
    if problem:
        return f"your e-mail address {problem}: correct it on the Users page first"
    write = Wording(parse_language(actor.language))  # in the admin's own language
    message = EmailMessage()
    message["To"] = address
    message["Subject"] = write.t(N_("LeadPact test e-mail"))
    sentence = N_(
        "This is a test e-mail from LeadPact, sent {when} at the request of {name}. "
        "E-mail works: reminders and reports can go out."
    )
    message.set_content(write.t(sentence, when=write.instant(now()), name=actor.name))
    try:
        with Outbox(config) as outbox:
            outbox.send(message)
    except (MessageRefused, SettingsRefused, Unavailable, MailConfigError) as exc:
        return str(exc).removesuffix(f"; {PENDING}")  # a test e-mail is not tried again
    return None
