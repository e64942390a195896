"""The lead fields an import may carry, by type: the contract between reader and writer."""

from __future__ import annotations

TEXT_FIELDS: tuple[str, ...] = (
    "external_id",
    "email",
    "first_name",
    "last_name",
    "company",
    "country",
    "industry",
    "department",
    "job_title",
    "technographics",
    "source",
    "campaign",
    "disposition_reason",
)
INT_FIELDS: tuple[str, ...] = ("company_size", "engagement")
# Text fields whose values are a small set of categories (grouped and filtered on): all but
# the free text that names or reaches one lead.
_FREE_TEXT = frozenset({"external_id", "email", "first_name", "last_name", "company"})
CATEGORY_FIELDS: tuple[str, ...] = tuple(f for f in TEXT_FIELDS if f not in _FREE_TEXT)
FLOAT_FIELDS: tuple[str, ...] = ("deal_value",)
# created_at first: the other milestones are checked against it
DATE_FIELDS: tuple[str, ...] = (
    "created_at",
    "mql_at",
    "assigned_at",
    "first_touch_at",
    "dispositioned_at",
    "sql_at",
    "opportunity_at",
    "closed_at",
)
# people are matched by name or e-mail in the file and stored as user ids
PEOPLE_ID_FIELDS: tuple[str, ...] = ("marketer_id", "owner_id")
# Every instant a lead row stores (epoch microseconds): the imported milestones, plus the two
# only the app sets.
TIME_COLUMNS: tuple[str, ...] = DATE_FIELDS + (
    "last_touch_at",
    "updated_at",
    "requalified_at",
    "follow_up_done_at",
)
# What the writer stores from an import, by type (stage is text once mapped).
STORE_TEXT_FIELDS: tuple[str, ...] = TEXT_FIELDS + ("stage",)
STORE_INT_FIELDS: tuple[str, ...] = INT_FIELDS + PEOPLE_ID_FIELDS
IMPORT_FIELDS: tuple[str, ...] = STORE_TEXT_FIELDS + STORE_INT_FIELDS + FLOAT_FIELDS + DATE_FIELDS
# What sales holds on a stored lead: its owner, the milestones of sales' work and the outcome.
# Only an import by an admin or a sales manager changes these (sla_core.store.outcomes).
SALES_FIELDS: tuple[str, ...] = (
    "owner_id",
    "assigned_at",
    "first_touch_at",
    "dispositioned_at",
    "sql_at",
    "opportunity_at",
    "closed_at",
    "deal_value",
    "disposition_reason",
)
