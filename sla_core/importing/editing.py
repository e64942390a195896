"""The mapping as tables a user edits (field -> column, CRM value -> our stage), and back."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd

from sla_core.i18n.languages import N_
from sla_core.importing.mapping import FIELDS, ImportOptions, norm, resolve_columns, value_map
from sla_core.importing.reading import RawTable

NOT_MAPPED = ""
FIELD_LABELS: dict[str, str] = {
    "external_id": N_("CRM record id (key)"),
    "email": N_("E-mail (key when no id)"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "company": N_("Company"),
    "country": N_("Country"),
    "industry": N_("Industry"),
    "department": N_("Department"),
    "job_title": N_("Job title"),
    "technographics": N_("Technographics"),
    "source": N_("Source"),
    "campaign": N_("Campaign"),
    "disposition_reason": N_("Disposition reason"),
    "stage": N_("Stage"),
    "lead_status": N_("Lead status (refines stage)"),
    "owner": N_("Owner (sales rep)"),
    "marketer": N_("Marketer"),
    "company_size": N_("Company size"),
    "engagement": N_("Engagement"),
    "deal_value": N_("Deal value"),
    "created_at": N_("Created"),
    "mql_at": N_("Mql"),
    "assigned_at": N_("Assigned"),
    "first_touch_at": N_("First touch"),
    "dispositioned_at": N_("Dispositioned"),
    "sql_at": N_("Sql"),
    "opportunity_at": N_("Opportunity"),
    "closed_at": N_("Closed"),
}
_MAX_VALUES = 60


def field_label(name: str) -> str:
    """How a field is named on the page."""
    return FIELD_LABELS.get(name, name.removesuffix("_at").replace("_", " ").capitalize())


def mapping_table(headers: list[str], options: ImportOptions) -> pd.DataFrame:
    """Every field with the file column it is read from ('' = not imported), or the value
    it takes on every row."""
    chosen = resolve_columns(headers, options)
    return pd.DataFrame(
        {
            "field": list(FIELDS),
            "label": [field_label(f) for f in FIELDS],
            "column": [chosen.get(f, NOT_MAPPED) for f in FIELDS],
            "value": [options.constants.get(f, "") for f in FIELDS],
        }
    )


def stage_table(table: RawTable, options: ImportOptions) -> pd.DataFrame:
    """The distinct stage and status values in the file with the stage each becomes."""
    columns = resolve_columns(list(table.frame.columns), options)
    rows = []
    nulls = set(options.null_values)
    for name in ("stage", "lead_status"):
        column = columns.get(name)
        if column is None:
            continue
        known = value_map(options, name)
        counts = table.frame[column].str.strip().value_counts().head(_MAX_VALUES)
        for value, count in counts.items():
            if value in nulls:
                continue
            rows.append(
                {
                    "field": name,
                    "value": value,
                    "rows": int(count),
                    "stage": known.get(norm(value), NOT_MAPPED),
                }
            )
    return pd.DataFrame(rows, columns=["field", "value", "rows", "stage"])


def apply_tables(
    options: ImportOptions, mapping: pd.DataFrame, stages: pd.DataFrame | None = None
) -> ImportOptions:
    """New options from the edited tables: exactly the columns chosen, the values set for
    every row, and the stage values."""
    columns = {
        str(f): str(c)
        for f, c in zip(mapping["field"], mapping["column"], strict=True)
        if isinstance(c, str) and c != NOT_MAPPED
    }
    constants = dict(options.constants)
    if "value" in mapping:
        constants = {
            str(f): v.strip()
            for f, v in zip(mapping["field"], mapping["value"], strict=True)
            if isinstance(v, str) and v.strip()
        }
    values = {k: dict(v) for k, v in options.values.items()}
    if stages is not None:
        for row in stages.itertuples(index=False):
            if isinstance(row.stage, str) and row.stage:
                values.setdefault(str(row.field), {})[str(row.value)] = row.stage
    # auto off: what the user sees in the table is exactly what is imported
    return replace(options, columns=columns, values=values, constants=constants, auto=False)


def build_options(
    base: ImportOptions,
    mapping: pd.DataFrame,
    stages: pd.DataFrame | None = None,
    **choices: Any,
) -> ImportOptions:
    """The options the page imports with: the edited tables over `base`, then the page's
    other choices (date_order, unknown_people, missing_dates, sheet, ...); `base` unchanged."""
    return choose(apply_tables(base, mapping, stages), **choices)


def choose(options: ImportOptions, **choices: Any) -> ImportOptions:
    """New options with some choices changed (`options` itself is left as it was)."""
    unknown = set(choices) - set(ImportOptions.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown import option(s): {', '.join(sorted(unknown))}")
    return replace(options, **choices)
