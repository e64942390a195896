"""Filtering, paging and displaying leads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from sla_core import browse
from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.models import Role, Team, TeamKind
from sla_core.people import users
from tests.leadframes import frame

LEADS = frame(
    [
        {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@analytical.io",
         "company": "Engines Ltd", "stage": "mql", "source": "webinar", "owner_id": 1,
         "created_at": "2026-03-01 08:00"},
        {"first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.mil",
         "company": "Cobol a.b", "stage": "sql", "source": "referral", "owner_id": 2,
         "created_at": "2026-03-02 23:59"},
        {"first_name": "Alan", "last_name": "Turing", "email": "alan@bletchley.uk",
         "lead_key": "OPP-7731", "company": None, "stage": "won", "source": "webinar", "owner_id": None,
         "created_at": "2026-03-03 00:00"},
    ]
)  # fmt: skip


def names(found: pd.DataFrame) -> list[str]:
    return found["first_name"].tolist()


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        (browse.LeadFilter(), ["Alan", "Grace", "Ada"]),  # newest first
        (browse.LeadFilter(stages=["mql", "won"]), ["Alan", "Ada"]),
        (browse.LeadFilter(sources=["referral"]), ["Grace"]),
        (browse.LeadFilter(owner_ids=[1, 2]), ["Grace", "Ada"]),
        (browse.LeadFilter(created_from=date(2026, 3, 2)), ["Alan", "Grace"]),
        (browse.LeadFilter(created_to=date(2026, 3, 2)), ["Grace", "Ada"]),  # whole last day
        (browse.LeadFilter(text="LOVE"), ["Ada"]),  # case-insensitive, last name
        (browse.LeadFilter(text="grace hopper"), ["Grace"]),  # full name
        (browse.LeadFilter(text="bletchley"), ["Alan"]),  # e-mail
        (browse.LeadFilter(text="a.b"), ["Grace"]),  # not a regular expression
        (browse.LeadFilter(text="engines"), ["Ada"]),  # company
        (browse.LeadFilter(text="opp-77"), ["Alan"]),  # the id in the CRM
        (browse.LeadFilter(stages=["won"], sources=["referral"]), []),
    ],
)
def test_filter_leads(wanted: browse.LeadFilter, expected: list[str]) -> None:
    assert names(browse.filter_leads(LEADS, wanted)) == expected


@pytest.mark.parametrize(("rows", "pages"), [(0, 1), (1, 1), (50, 1), (51, 2), (20_000, 400)])
def test_page_count(rows: int, pages: int) -> None:
    assert browse.page_count(rows) == pages


@pytest.mark.parametrize(
    ("page", "first", "size"), [(1, 0, 50), (2, 50, 50), (3, 100, 20), (9, 100, 20), (0, 0, 50)]
)
def test_page_of(page: int, first: int, size: int) -> None:
    rows = pd.DataFrame({"n": range(120)})
    shown = browse.page_of(rows, page)
    assert (shown["n"].iloc[0], len(shown)) == (first, size)


def test_for_display_keeps_markup_as_text_and_names_owners() -> None:
    leads = frame([{"first_name": "<b>Eve</b>", "last_name": "<script>", "owner_id": 7}])
    people = pd.DataFrame({"id": [7], "name": ["Rita Rep"]})
    shown = browse.for_display(leads, people)
    assert shown["name"].iloc[0] == "<b>Eve</b> <script>"
    assert shown["owner"].iloc[0] == "Rita Rep"


def test_people_frame(engine: Engine) -> None:
    with session_scope(engine) as session:
        team = Team(name="Sales North", kind=TeamKind.SALES)
        session.add(team)
        session.flush()
        users.create_user(
            actor=system_actor(),
            session=session,
            username="rita",
            name="Rita",
            role=Role.SALES_REP,
            team_id=team.id,
        )
        users.create_user(
            actor=system_actor(),
            session=session,
            username="ann",
            name="Ann",
            role=Role.ADMIN,
            password="Secret#123",
        )
    with session_scope(engine) as session:
        people = browse.people_frame(session=session)
    rows = people.set_index("username")[["role", "team", "active", "can_sign_in"]]
    assert rows.loc["rita"].tolist() == ["sales_rep", "Sales North", True, False]
    assert rows.loc["ann", "role"] == "admin"
    assert pd.isna(rows.loc["ann", "team"])
    assert rows.loc["ann", "can_sign_in"]


def test_export_neutralises_formulas_in_lead_data() -> None:
    leads = pd.DataFrame(
        {
            "first_name": ["=cmd|' /C calc'!A0"],
            "last_name": [None],
            "email": ["a@b.io"],
            "company": ['＝HYPERLINK("http://x")'],
            "stage": ["mql"],
            "source": [" @SUM(A1)"],
            "owner_id": [None],
            "created_at": [pd.Timestamp("2026-01-02", tz="UTC")],
            "mql_at": [pd.Timestamp("2026-01-02", tz="UTC")],
            "touches": [0],
            "lead_key": ["@key"],
        }
    )
    people = pd.DataFrame({"id": pd.Series([], dtype="int64"), "name": pd.Series([], dtype=str)})
    text = browse.export_csv(leads, people).decode("utf-8-sig")
    row = text.splitlines()[1]
    assert row.startswith("'=cmd|' /C calc'!A0,")
    assert "'＝HYPERLINK" in row and "' @SUM(A1)" in row
    assert row.endswith(",'@key")
