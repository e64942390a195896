"""A realistic, seeded HubSpot contacts export of any size, generated with numpy in chunks."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

FIRST = np.array(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Sara Ali Reza Maryam Mohammad "
    "Fatemeh Hans Greta Jean Chloé Ümit Zoë José Lucía Wei Yuki Priya Arjun Olga Ivan".split()
)
LAST = np.array(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Karimi Hosseini Ahmadi Müller Schmidt Dubois O'Brien Nakamura Patel Singh Ivanova Rossi".split()
)
TITLES = np.array(
    [
        "Marketing Manager",
        "VP Sales",
        "CTO",
        "Head of Operations",
        "Software Engineer",
        "Procurement Lead",
        "CEO",
        "Data Analyst",
        "IT Director",
        "Account Executive",
        "",
    ]
)
COMPANIES = np.array(
    [
        f"{a} {b}"
        for a in "Acme Globex Initech Umbrella Stark Wayne Hooli Vandelay Soylent Tyrell "
        "Cyberdyne Wonka Gringotts Aperture Monarch Oscorp".split()
        for b in ("Inc", "GmbH", "Ltd", "LLC", "Group", "Holdings", "Labs", "Systems")
    ]
)
INDUSTRIES = np.array(
    "COMPUTER_SOFTWARE FINANCIAL_SERVICES HOSPITAL_HEALTH_CARE RETAIL MANUFACTURING "
    "EDUCATION_MANAGEMENT TELECOMMUNICATIONS LOGISTICS_AND_SUPPLY_CHAIN CONSTRUCTION".split()
    + [""]
)
EMPLOYEES = np.array(["1-10", "11-50", "51-200", "201-500", "501-1000", "1000+", "25", "340", ""])
SOURCES = np.array(
    "ORGANIC_SEARCH PAID_SEARCH SOCIAL_MEDIA EMAIL_MARKETING REFERRALS DIRECT_TRAFFIC "
    "OFFLINE PAID_SOCIAL OTHER_CAMPAIGNS".split()
)
STAGES = np.array(
    "subscriber lead marketingqualifiedlead salesqualifiedlead opportunity customer other".split()
)
STAGE_P = np.array([0.15, 0.45, 0.18, 0.08, 0.06, 0.05, 0.03])
STATUSES = np.array(
    "NEW OPEN IN_PROGRESS OPEN_DEAL UNQUALIFIED ATTEMPTED_TO_CONTACT CONNECTED BAD_TIMING".split()
    + [""]
)
COUNTRIES = np.array(
    ["United States", "Germany", "United Kingdom", "Iran", "France", "India", "Canada", ""]
)
DOMAINS = np.array(["gmail.com", "outlook.com", "acme.io", "example.org", "globex.de", "mail.ir"])
OWNERS = np.array(
    [f"{first} {last}" for first, last in zip(FIRST[:25], LAST[:25], strict=True)] + [""]
)
YEARS = 5  # the file's contacts were created over the five years up to the day it is written
# Days from one lifecycle date to the next (created -> MQL -> owner assigned, hours -> SQL ->
# opportunity -> customer): exponential, so most move on soon and a few late, as in a CRM.
MEAN_DAYS = {"mql": 6.0, "sql": 9.0, "opportunity": 14.0, "customer": 30.0}
MEAN_ASSIGN_HOURS = 20.0
# How far down the funnel each lifecycle stage has come: the dates it carries.
REACHED = {stage: depth for depth, stage in enumerate(STAGES[:6])} | {"other": 1}


def owners() -> list[tuple[str, str]]:
    """The contact owners in the file, as (name, e-mail), so a bench can create them as users."""
    return [(n, n.lower().replace(" ", ".") + "@leadpact.example") for n in OWNERS if n]


def _chunk(rng: np.random.Generator, first_id: int, n: int) -> pd.DataFrame:
    ids = np.arange(first_id, first_id + n)
    first = rng.choice(FIRST, n)
    last = rng.choice(LAST, n)
    domain = pd.Series(rng.choice(DOMAINS, n))
    email = pd.Series(first).str.lower() + "." + pd.Series(ids).astype("str") + "@" + domain
    now = np.datetime64(datetime.now(), "m")
    minutes = rng.integers(0, YEARS * 365 * 24 * 60, n)
    created = now - minutes.astype("timedelta64[m]")
    stage = rng.choice(STAGES, n, p=STAGE_P)
    owner = rng.choice(OWNERS, n)
    dates = _lifecycle(rng, created, stage, owner, now)
    return pd.DataFrame(
        {
            "Record ID": ids,
            "First Name": first,
            "Last Name": last,
            "Email": email,
            "Job Title": rng.choice(TITLES, n),
            "Company Name": rng.choice(COMPANIES, n),
            "Industry": rng.choice(INDUSTRIES, n),
            "Number of Employees": rng.choice(EMPLOYEES, n),
            "Original Source": rng.choice(SOURCES, n),
            "Lifecycle Stage": stage,
            "Lead Status": rng.choice(STATUSES, n),
            "Create Date": _text(created),
            "Contact owner": owner,
            "Country": rng.choice(COUNTRIES, n),
            "HubSpot Score": rng.integers(0, 100, n),
            **dates,
            "Recent Deal Amount": np.where(
                stage == "customer", rng.integers(5, 400, n) * 100, 0
            ).astype("str"),
        }
    ).replace({"Recent Deal Amount": {"0": ""}})


def _lifecycle(
    rng: np.random.Generator, created: Any, stage: Any, owner: Any, now: Any
) -> dict[str, pd.Series]:
    """HubSpot's "Became a ... Date" columns and the owner's assignment, each empty where the
    contact's stage has not come that far (or, for the assignment, where it has no owner),
    each after the one before and never after `now`."""
    depth = pd.Series(stage).map(REACHED).to_numpy()

    def after(start: Any, mean_minutes: float) -> Any:
        step = rng.exponential(mean_minutes, len(start)).astype("int64")
        return np.minimum(start + step.astype("timedelta64[m]"), now)

    mql = after(created, MEAN_DAYS["mql"] * 1440)
    assigned = after(mql, MEAN_ASSIGN_HOURS * 60)
    sql = after(assigned, MEAN_DAYS["sql"] * 1440)
    opportunity = after(sql, MEAN_DAYS["opportunity"] * 1440)
    customer = after(opportunity, MEAN_DAYS["customer"] * 1440)
    return {
        "Became a Marketing Qualified Lead Date": _text(mql, depth >= 2),
        "Owner Assigned Date": _text(assigned, (depth >= 2) & (owner != "")),
        "Became a Sales Qualified Lead Date": _text(sql, depth >= 3),
        "Became an Opportunity Date": _text(opportunity, depth >= 4),
        "Became a Customer Date": _text(customer, depth >= 5),
    }


def _text(moments: Any, keep: Any = None) -> pd.Series:
    """Minutes as HubSpot writes them ("2026-03-01 14:05"), empty where `keep` is false."""
    text = pd.Series(moments).dt.strftime("%Y-%m-%d %H:%M")
    return text if keep is None else text.where(keep, "")


def write(path: Path, rows: int, *, seed: int = 20261122, chunk: int = 200_000) -> Path:
    """Write `rows` contacts to `path` as HubSpot exports them (UTF-8, comma, quoted as needed)."""
    rng = np.random.default_rng(seed)
    with path.open("w", encoding="utf-8", newline="") as out:
        for start in range(0, rows, chunk):
            part = _chunk(rng, 1_000_001 + start, min(chunk, rows - start))
            part.to_csv(out, index=False, header=start == 0, lineterminator="\n")
    return path


if __name__ == "__main__":  # python bench/hubspot_csv.py PATH ROWS
    write(Path(sys.argv[1]), int(sys.argv[2]))
