"""Saved column mappings: a user's mapping kept under a name and reused on next week's file."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from sla_core.access import Permission, require
from sla_core.importing.mapping import ImportOptions
from sla_core.models import ColumnMapping, User

# Mappings shipped with the app for the public real-world files (see shared/realdata).
BUNDLED = Path(__file__).with_name("mappings")


def bundled_mapping(name: str) -> ImportOptions:
    """A mapping shipped with the app, by name (e.g. 'x_education', 'maven_crm')."""
    path = BUNDLED / f"{name}.json"
    if not path.exists():
        raise ValueError(f"no bundled mapping {name!r}")
    return ImportOptions.from_json(path.read_text(encoding="utf-8"))


def save_mapping(*, session: Session, name: str, options: ImportOptions, actor: User) -> None:
    """Save (or replace) a mapping under `name`; only those who may import may save one."""
    require(actor, Permission.IMPORT_LEADS)
    name = name.strip()
    if not name:
        raise ValueError("give the mapping a name")
    found = session.exec(select(ColumnMapping).where(ColumnMapping.name == name)).first()
    if found is None:
        found = ColumnMapping(name=name, mapping=options.to_json(), created_by=actor.id)
    else:
        found.mapping = options.to_json()
    session.add(found)
    session.flush()


def load_mapping(*, session: Session, name: str) -> ImportOptions:
    """The saved mapping called `name`."""
    found = session.exec(select(ColumnMapping).where(ColumnMapping.name == name)).first()
    if found is None:
        names = ", ".join(list_mappings(session=session)) or "none saved yet"
        raise ValueError(f"no saved mapping {name!r} (saved: {names})")
    return ImportOptions.from_json(found.mapping)


def list_mappings(*, session: Session) -> list[str]:
    """Names of the saved mappings, alphabetically."""
    return list(session.exec(select(ColumnMapping.name).order_by(col(ColumnMapping.name))).all())
