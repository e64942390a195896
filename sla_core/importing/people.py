"""Owners and marketers named in a file, matched to users by name, username or e-mail."""

from __future__ import annotations

import pandas as pd

from sla_core.importing.mapping import PEOPLE_FIELDS
from sla_core.importing.rejects import Rejects
from sla_core.importing.values import per_unique
from sla_core.people.users import address_problem

USER_COLUMNS = ["id", "username", "name", "email", "role"]
UNKNOWN_COLUMNS = ["kind", "value", "rows"]


def _ids(names: pd.Series, users: pd.DataFrame) -> pd.Series:
    index: dict[str, int] = {}
    for _, user in users.iterrows():  # users are few: tens, not millions
        for key in (user.get("name"), user.get("username"), user.get("email")):
            if isinstance(key, str) and key.strip():
                index.setdefault(key.strip().casefold(), int(user["id"]))
    found = per_unique(
        names, lambda u: u.map(lambda v: index.get(v.casefold()), na_action="ignore")
    )
    return found.astype("Int64")


def _bad_addresses(names: pd.Series) -> pd.Series:
    """For names that look like an e-mail address (an @) but are not one, the reason; else NA.

    A new person is created with the address the file gives: a line break in it would add
    mail headers to every reminder, so such a row is refused, saying why.
    """

    def reason(value: object) -> str | None:
        text = str(value).strip().lower()
        problem = address_problem(text) if "@" in text else None
        return (
            f"a new person's e-mail {problem}; write their name or a valid address"
            if problem
            else None
        )

    return per_unique(names, lambda u: u.map(reason, na_action="ignore").astype("object"))


def match_people(
    cells: dict[str, pd.Series],
    cols: dict[str, str],
    out: dict[str, pd.Series],
    users: pd.DataFrame | None,
    rej: Rejects,
    *,
    reject_unknown: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill owner_id/marketer_id in `out`; (unknown names per row, unknown people with counts)."""
    users = users if users is not None else pd.DataFrame(columns=USER_COLUMNS)
    index = next(iter(cells.values())).index if cells else pd.RangeIndex(0)
    people = pd.DataFrame(index=index)
    unknown = []
    for name, target in PEOPLE_FIELDS.items():
        if name not in cells:
            continue
        ids = _ids(cells[name], users)
        out[target] = ids
        missing = cells[name].notna() & ids.isna()
        bad_address = _bad_addresses(cells[name].where(missing))
        if bad_address.notna().any():  # a new person named by an address that is not one
            rej.add(bad_address.notna(), cols[name], cells[name], bad_address)
            missing &= bad_address.isna()
        people[name] = cells[name].where(missing)
        if not missing.any():
            continue
        counts = cells[name][missing].value_counts()
        unknown.append(
            pd.DataFrame(
                {"kind": name, "value": counts.index.astype("object"), "rows": counts.to_numpy()}
            )
        )
        if reject_unknown:
            rej.add(missing, cols[name], cells[name], f"unknown {name}: not a user")
    frame = (
        pd.concat(unknown, ignore_index=True) if unknown else pd.DataFrame(columns=UNKNOWN_COLUMNS)
    )
    return people, frame
