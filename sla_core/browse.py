"""Browsing leads: filtering, paging and the table a person reads (pure, vectorised)."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from sla_core.models import Team, User
from sla_core.stages import STAGE_LABELS, Stage

PAGE_SIZE = 50

DISPLAY_COLUMNS = (
    "name",
    "email",
    "company",
    "stage",
    "source",
    "owner",
    "created_at",
    "mql_at",
    "touches",
)


@dataclass(frozen=True)
class LeadFilter:
    """What a person asked to see; empty collections and None mean "any"."""

    stages: Collection[str] = ()
    sources: Collection[str] = ()
    owner_ids: Collection[int] = ()
    created_from: date | None = None
    created_to: date | None = None
    text: str = ""


def people_frame(*, session: Session) -> pd.DataFrame:
    """Every user: id, username, name, e-mail, role, team, whether active and able to sign in."""
    teams = {t.id: t.name for t in session.exec(select(Team)).all()}
    people = session.exec(select(User).order_by(col(User.role), col(User.name))).all()
    frame = pd.DataFrame(
        {
            "id": [u.id for u in people],
            "username": [u.username for u in people],
            "name": [u.name for u in people],
            "email": [u.email for u in people],
            "role": [str(u.role) for u in people],
            "team": [teams.get(u.team_id) for u in people],
            "active": [u.active for u in people],
            "can_sign_in": [u.password_hash is not None for u in people],
        }
    )
    return frame.astype({"id": "int64", "active": bool, "can_sign_in": bool})


def filter_leads(leads: pd.DataFrame, wanted: LeadFilter) -> pd.DataFrame:
    """The leads matching every criterion, newest first; text matches name, e-mail or company."""
    mask = pd.Series(True, index=leads.index)
    if wanted.stages:
        mask &= leads["stage"].isin(list(wanted.stages))
    if wanted.sources:
        mask &= leads["source"].isin(list(wanted.sources))
    if wanted.owner_ids:
        mask &= leads["owner_id"].isin(list(wanted.owner_ids))
    if wanted.created_from is not None:
        mask &= leads["created_at"] >= pd.Timestamp(wanted.created_from, tz="UTC")
    if wanted.created_to is not None:
        # the whole last day counts
        mask &= leads["created_at"] < pd.Timestamp(wanted.created_to, tz="UTC") + pd.Timedelta(
            days=1
        )
    needle = wanted.text.strip()
    if needle:
        hit = pd.Series(False, index=leads.index)
        for column in ("first_name", "last_name", "email", "company"):
            hit |= leads[column].str.contains(needle, case=False, regex=False, na=False)
        full = leads["first_name"].fillna("") + " " + leads["last_name"].fillna("")
        hit |= full.str.contains(needle, case=False, regex=False)
        mask &= hit
    return leads[mask].sort_values("created_at", ascending=False, kind="stable")


def page_count(rows: int, size: int = PAGE_SIZE) -> int:
    """Pages needed for `rows` rows (at least one, so an empty result still has page 1)."""
    return max(1, math.ceil(rows / size))


def page_of(frame: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows of the 1-based `page`; a page past the end gives the last page."""
    page = min(max(1, page), page_count(len(frame), size))
    return frame.iloc[(page - 1) * size : page * size]


def for_display(leads: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """The columns a person reads: full name, owner's name and stage label, as plain text."""
    owners = people.set_index("id")["name"]
    labels = {s.value: label for s, label in STAGE_LABELS.items()}
    out = pd.DataFrame(
        {
            "name": (leads["first_name"].fillna("") + " " + leads["last_name"].fillna(""))
            .str.strip()
            .astype(str),
            "email": leads["email"],
            "company": leads["company"],
            "stage": leads["stage"].map(labels).fillna(leads["stage"]),
            "source": leads["source"],
            "owner": leads["owner_id"].map(owners).fillna("—").astype(str),
            "created_at": leads["created_at"],
            "mql_at": leads["mql_at"],
            "touches": leads["touches"],
        },
        index=leads.index,
    )
    return out


def choices(leads: pd.DataFrame, column: str) -> list[str]:
    """The distinct non-empty values of a column, sorted, for a filter's options."""
    return sorted(str(v) for v in leads[column].dropna().unique())


STAGE_CHOICES: tuple[str, ...] = tuple(s.value for s in Stage)
