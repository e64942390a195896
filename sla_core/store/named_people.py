"""People a file names who are not users yet: found or created inside the import's transaction.

Runs on the import's own ADBC cursor after it holds the write lock (PostgreSQL: the lead table
lock; SQLite: the database write lock), so two imports naming the same new person create them
once, and a failed import leaves no one behind. Usernames are unique in the database too: an
insert that meets one taken meanwhile (ON CONFLICT DO NOTHING) tries the next name.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from sla_core.models import Role
from sla_core.models.people import ROLE_NAMES
from sla_core.people.users import address_problem
from sla_core.store.results import NEW_PEOPLE_COLUMNS

# Who an unknown person in the file becomes.
NEW_ROLE = {"owner": "sales_rep", "marketer": "marketer"}
_TARGET = {"owner": "owner_id", "marketer": "marketer_id"}


def username_for(name: str, taken: set[str]) -> str:
    """A free username made from a person's name or e-mail (adds 2, 3, ... when taken)."""
    base = re.sub(r"[^a-z0-9._-]+", ".", name.strip().lower().split("@")[0]).strip(".-_")[:40]
    base = base if len(base) >= 2 else f"user.{base}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def resolve_people(
    cur: Any, frame: pd.DataFrame, *, postgres: bool, stamp: int, actor_id: int | None, batch: int
) -> tuple[pd.DataFrame, list[str]]:
    """Owner/marketer ids for the rows naming new people; (frame without the name columns, created)."""
    present = {k: c for k, c in NEW_PEOPLE_COLUMNS.items() if c in frame.columns}
    if not present:
        return frame, []
    index, taken = _known(cur)
    created: list[str] = []
    out = frame.drop(columns=list(present.values()))
    for kind, column in present.items():
        names = frame[column]
        ids: dict[str, int] = {}
        for value in names.dropna().unique():
            key = str(value).strip().casefold()
            if key not in index:
                index[key] = _insert(cur, str(value), kind, taken, postgres, stamp, actor_id, batch)
                created.append(f"{value} ({ROLE_NAMES[Role(NEW_ROLE[kind])]})")
            ids[str(value)] = index[key]
        filled = names.map(ids).astype("Int64")
        target = _TARGET[kind]
        out[target] = out[target].astype("Int64").fillna(filled) if target in out else filled
    return out, created


def _known(cur: Any) -> tuple[dict[str, int], set[str]]:
    cur.execute('SELECT id, username, name, email FROM "user"')
    rows = cur.fetch_arrow_table().to_pylist()
    index: dict[str, int] = {}
    for row in rows:  # users are few: tens, not millions
        for key in (row["name"], row["username"], row["email"]):
            if isinstance(key, str) and key.strip():
                index.setdefault(key.strip().casefold(), int(row["id"]))
    return index, {str(row["username"]) for row in rows}


def _insert(
    cur: Any,
    value: str,
    kind: str,
    taken: set[str],
    postgres: bool,
    stamp: int,
    actor_id: int | None,
    batch: int,
) -> int:
    """Insert one person without a login; a username taken meanwhile moves on to the next."""
    email = value.strip().lower() if "@" in value else None
    if email and address_problem(email):  # validation refuses these rows; never store one
        email = None
    name = (value.split("@")[0] if email else value).strip()[:200] or value
    marks = ["$1", "$2", "$3", "$4"] if postgres else ["?"] * 4
    columns = "username, name, role, active, failed_logins, created_at"
    for _ in range(100):
        params = [username_for(value, taken), name, NEW_ROLE[kind]]
        values = f"{marks[0]}, {marks[1]}, {marks[2]}, TRUE, 0, {stamp}"
        extra_col, extra_val = "", ""
        if email:
            extra_col, extra_val = ", email", f", {marks[3]}"
            params.append(email)
        cur.execute(
            f'INSERT INTO "user" ({columns}{extra_col}) VALUES ({values}{extra_val})'
            " ON CONFLICT DO NOTHING RETURNING id",
            params,
        )
        row = cur.fetchone()
        if row is not None:
            user_id = int(row[0])
            actor = "NULL" if actor_id is None else str(int(actor_id))
            detail = f"role={NEW_ROLE[kind]}; named as {kind} in import #{batch}"
            cur.execute(
                "INSERT INTO auditentry (at, actor_id, action, entity, entity_id, detail)"
                f" VALUES ({stamp}, {actor}, 'user.create', 'user', '{user_id}', {marks[0]})",
                [detail],
            )
            return user_id
        if email:  # the e-mail itself was taken meanwhile: the person exists under it
            cur.execute(f'SELECT id FROM "user" WHERE email = {marks[0]}', [email])
            found = cur.fetchone()
            if found is not None:
                return int(found[0])
    raise RuntimeError(f"no free username for {value!r}")
