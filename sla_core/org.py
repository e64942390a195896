"""Organisation settings: time zone, calendar, week start and currency.

Kept as one JSON document in the `setting` table (key "org"). Periods (months, quarters)
are cut in this zone and calendar; times are stored in UTC and shown in this zone.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, field_validator
from sqlmodel import Session

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.models import Setting, User
from sla_core.periods import Calendar, zone_info

ORG_KEY = "org"
Doc = TypeVar("Doc", bound=BaseModel)


class Weekday(StrEnum):
    SATURDAY = "saturday"
    SUNDAY = "sunday"
    MONDAY = "monday"


class OrgSettings(BaseModel):
    """How the organisation keeps time and money."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_zone: str = "UTC"
    calendar: Calendar = Calendar.GREGORIAN
    week_start: Weekday = Weekday.MONDAY
    currency: str = "USD"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone_info(value)
        return value


def load_document(*, session: Session, key: str, model: type[Doc]) -> Doc:
    """An organisation-wide settings document stored as JSON under `key` (defaults if unsaved)."""
    row = session.get(Setting, key)
    return model() if row is None else model.model_validate_json(row.value)


def save_document(*, session: Session, key: str, document: Doc, actor: User) -> Doc:
    """Store an organisation-wide settings document (admins only), with an audit entry."""
    require(actor, Permission.MANAGE_SETTINGS)
    row = session.get(Setting, key) or Setting(key=key, value="")
    row.value = document.model_dump_json()
    session.add(row)
    audit.record(
        session=session,
        actor=actor,
        action=key,
        entity="setting",
        entity_id=key,
        detail=row.value,
    )
    session.flush()
    return document


def load_org_settings(*, session: Session) -> OrgSettings:
    """The organisation's settings; defaults (UTC, Gregorian) until someone saves them."""
    return load_document(session=session, key=ORG_KEY, model=OrgSettings)


def save_org_settings(*, session: Session, settings: OrgSettings, actor: User) -> OrgSettings:
    """Store the organisation's settings (admins only), with an audit entry."""
    return save_document(session=session, key=ORG_KEY, document=settings, actor=actor)


def time_zones() -> list[str]:
    """The IANA time zone names an organisation may choose, UTC first, then alphabetical."""
    from zoneinfo import available_timezones

    names = {
        z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    }
    return ["UTC", *sorted(names)]
