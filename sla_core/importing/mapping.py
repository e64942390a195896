"""Column mapping: our fields, CRM presets, header synonyms and value maps (stages, sources)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sla_core.stages import Stage
from sla_core.store.fields import DATE_FIELDS, FLOAT_FIELDS, INT_FIELDS, TEXT_FIELDS

PEOPLE_FIELDS = {"owner": "owner_id", "marketer": "marketer_id"}
# Fields read from the file but folded into others: lead_status refines stage.
FIELDS: tuple[str, ...] = (
    TEXT_FIELDS
    + ("stage", "lead_status")
    + tuple(PEOPLE_FIELDS)
    + INT_FIELDS
    + FLOAT_FIELDS
    + DATE_FIELDS
)
DEFAULT_NULLS: tuple[str, ...] = ("", "null", "NULL", "None", "N/A", "n/a", "NA", "#N/A", "-", "--")

_SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "recordid", "contactid", "leadid", "prospectid", "crmid", "externalid"),
    "email": ("email", "emailaddress", "mail", "workemail", "businessemail"),
    # a single name column keeps the whole name in first_name (shown as "first last")
    "first_name": (
        "firstname",
        "givenname",
        "forename",
        "first",
        "name",
        "fullname",
        "contactname",
    ),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "company": (
        "company",
        "companyname",
        "account",
        "accountname",
        "companyaccount",
        "organization",
        "organisation",
        "associatedcompany",
    ),
    "country": ("country", "countryregion", "countryname"),
    "industry": ("industry", "sector", "vertical"),
    "department": ("department", "dept", "function"),
    "job_title": ("jobtitle", "title", "position", "designation"),
    "technographics": ("technographics", "techstack", "technologies", "technology"),
    "source": ("source", "leadsource", "originalsource", "channel"),
    "campaign": ("campaign", "campaignname", "utmcampaign"),
    "disposition_reason": ("dispositionreason", "disqualificationreason", "lostreason"),
    "stage": ("stage", "lifecyclestage", "lifecycle", "dealstage", "leadstage"),
    "lead_status": ("leadstatus", "status"),
    "owner": (
        "owner",
        "contactowner",
        "leadowner",
        "salesagent",
        "salesrep",
        "assignedto",
        "accountowner",
        "rep",
    ),
    "marketer": ("marketer", "marketingowner", "createdbymarketer"),
    "company_size": (
        "companysize",
        "numberofemployees",
        "noofemployees",
        "employees",
        "headcount",
        "employeecount",
    ),
    "engagement": ("engagement", "engagementscore", "leadscore", "hubspotscore", "score"),
    "deal_value": ("dealvalue", "amount", "closevalue", "recentdealamount", "dealamount"),
    "created_at": ("createdate", "createddate", "createdat", "created", "datecreated"),
    "mql_at": ("becameamarketingqualifiedleaddate", "mqldate", "mqlat"),
    "assigned_at": ("ownerassigneddate", "assigneddate", "assignedat"),
    "first_touch_at": ("firsttouchat", "firsttouchdate", "firstcontacted"),
    "dispositioned_at": ("dispositionedat", "dispositiondate"),
    "sql_at": ("becameasalesqualifiedleaddate", "sqldate", "sqlat"),
    "opportunity_at": ("becameanopportunitydate", "opportunitydate", "opportunityat"),
    "closed_at": (
        "closedate",
        "closeddate",
        "closedat",
        "recentdealclosedate",
        "wondate",
        "lostdate",
    ),
}

# Presets name the exact headers of real exports (see shared/realdata/README.md).
PRESET_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "hubspot": {
        "external_id": ("Record ID", "Contact ID"),
        "email": ("Email",),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "company": ("Company Name", "Associated Company"),
        "job_title": ("Job Title",),
        "owner": ("Contact owner",),
        "assigned_at": ("Owner Assigned Date",),
        "stage": ("Lifecycle Stage",),
        "lead_status": ("Lead Status",),
        "created_at": ("Create Date",),
        "mql_at": ("Became a Marketing Qualified Lead Date",),
        "sql_at": ("Became a Sales Qualified Lead Date",),
        "opportunity_at": ("Became an Opportunity Date",),
        "closed_at": ("Became a Customer Date", "Close Date"),
        "source": ("Original Source",),
        "campaign": ("First Conversion",),
        "engagement": ("HubSpot Score",),
        "industry": ("Industry",),
        "company_size": ("Number of Employees",),
        "country": ("Country",),
        "deal_value": ("Recent Deal Amount",),
    },
    "salesforce": {
        "external_id": ("Lead ID",),
        "owner": ("Lead Owner",),
        "first_name": ("First Name",),
        "last_name": ("Last Name",),
        "job_title": ("Title",),
        "company": ("Company / Account", "Company"),
        "source": ("Lead Source",),
        "email": ("Email",),
        "lead_status": ("Lead Status",),
        "industry": ("Industry",),
        "company_size": ("No. of Employees",),
        "created_at": ("Create Date", "Created Date"),
        "sql_at": ("Converted Date",),
        "country": ("Country",),
    },
    "generic": {},
}
PRESETS = ("generic", "hubspot", "salesforce")

# Values of our stage, and of the CRMs' lifecycle stages and lead statuses, keyed normalised.
STAGE_VALUES: dict[str, str] = {
    **{s.value: s.value for s in Stage},
    # HubSpot lifecycle stages
    "subscriber": Stage.LEAD.value,
    "marketingqualifiedlead": Stage.MQL.value,
    "salesqualifiedlead": Stage.SQL.value,
    "customer": Stage.WON.value,
    "evangelist": Stage.WON.value,
    "other": Stage.LEAD.value,
    # HubSpot lead statuses
    "new": Stage.LEAD.value,
    "open": Stage.LEAD.value,
    "inprogress": Stage.SAL.value,
    "attemptedtocontact": Stage.SAL.value,
    "connected": Stage.SAL.value,
    "opendeal": Stage.OPPORTUNITY.value,
    "unqualified": Stage.DISQUALIFIED.value,
    "badtiming": Stage.NURTURE.value,
    # Salesforce lead statuses
    "opennotcontacted": Stage.MQL.value,
    "workingcontacted": Stage.SAL.value,
    "closedconverted": Stage.SQL.value,
    "closednotconverted": Stage.DISQUALIFIED.value,
    # deal stages (Maven CRM, Salesforce opportunities)
    "prospecting": Stage.SQL.value,
    "engaging": Stage.OPPORTUNITY.value,
    "closedwon": Stage.WON.value,
    "closedlost": Stage.LOST.value,
    "salesacceptedlead": Stage.SAL.value,
    "recycled": Stage.NURTURE.value,
}
SOURCE_VALUES: dict[str, str] = {
    "organicsearch": "Organic search",
    "paidsearch": "Paid search",
    "socialmedia": "Social media",
    "emailmarketing": "Email marketing",
    "referrals": "Referrals",
    "directtraffic": "Direct traffic",
    "offline": "Offline",
    "paidsocial": "Paid social",
    "othercampaigns": "Other campaigns",
}


def norm(text: str) -> str:
    """A header or value reduced to lower-case letters and digits, for matching."""
    return re.sub(r"[\W_]+", "", str(text).casefold())


@dataclass
class ImportOptions:
    """How to read one file: preset, column and value maps, nulls, date order, owner policy."""

    preset: str = "generic"
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    null_values: list[str] = field(default_factory=lambda: list(DEFAULT_NULLS))
    date_order: Literal["dmy", "mdy"] | None = None
    timezone: str = "UTC"
    unknown_people: Literal["create", "reject"] = "create"
    auto: bool = True
    sheet: str | None = None
    # "same value for every row": field -> the value (e.g. {"stage": "won"})
    constants: dict[str, str] = field(default_factory=dict)
    # leads without a created date: dated at the import, or rejected
    missing_dates: Literal["today", "reject"] = "today"
    # an outcome file: update stored leads only; a key not stored is rejected
    update_only: bool = False
    # won or lost leads without a close date: rejected, or dated at the import
    undated_outcomes: Literal["reject", "today"] = "reject"

    def to_json(self) -> str:
        """The reusable part of the options (a saved mapping), as JSON."""
        keep = asdict(self)
        keep.pop("sheet")
        return json.dumps(keep, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportOptions:
        raw: dict[str, Any] = json.loads(text)
        known = {k: v for k, v in raw.items() if k in cls.__dataclass_fields__}
        options = cls(**known)
        unknown = (set(options.columns) | set(options.constants)) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown field(s) in mapping: {', '.join(sorted(unknown))}")
        return options


def auto_map(headers: list[str], preset: str = "generic") -> dict[str, str]:
    """Our field -> the file's header: preset labels first, then common synonyms."""
    if preset not in PRESET_COLUMNS:
        raise ValueError(f"unknown preset {preset!r}; presets: {', '.join(PRESETS)}")
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(norm(header), header)
    found: dict[str, str] = {}
    used: set[str] = set()
    for wanted in (PRESET_COLUMNS[preset], _SYNONYMS):
        for name, labels in wanted.items():
            if name in found:
                continue
            for label in labels:
                match = by_norm.get(norm(label))
                if match is not None and match not in used:
                    found[name] = match
                    used.add(match)
                    break
    return found


def resolve_columns(headers: list[str], options: ImportOptions) -> dict[str, str]:
    """The mapping to use: the user's choices over the automatic one; checks columns exist."""
    missing = [c for c in options.columns.values() if c and c not in headers]
    if missing:
        raise ValueError(
            f"the mapping names column(s) the file does not have: {', '.join(missing)}; "
            f"the file's columns are: {', '.join(headers)}"
        )
    found = auto_map(headers, options.preset) if options.auto else {}
    chosen = {k: v for k, v in options.columns.items() if v}
    taken = set(chosen.values())
    for name, header in found.items():
        if name not in options.columns and header not in taken:
            chosen[name] = header
    return {name: chosen[name] for name in FIELDS if name in chosen}


def value_map(options: ImportOptions, name: str) -> dict[str, str]:
    """Normalised raw value -> our value for `name`: built-ins, then the user's edits."""
    base = {"stage": STAGE_VALUES, "lead_status": STAGE_VALUES}
    if options.preset == "hubspot":  # HubSpot exports its source enum, not labels
        base["source"] = SOURCE_VALUES
    merged = dict(base.get(name, {}))
    merged.update({norm(k): v for k, v in options.values.get(name, {}).items()})
    return merged
