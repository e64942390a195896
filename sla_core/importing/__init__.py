"""Lead import: read any CRM export, map and validate it, and hand the good rows to the writer."""

from sla_core.importing.mapping import PRESETS, ImportOptions, auto_map
from sla_core.importing.reading import RawTable, ReadError, read_table
from sla_core.importing.validation import Prepared, prepare, validate
from sla_core.importing.values import AmbiguousDates

__all__ = [
    "PRESETS",
    "AmbiguousDates",
    "ImportOptions",
    "Prepared",
    "RawTable",
    "ReadError",
    "auto_map",
    "prepare",
    "read_table",
    "validate",
]
