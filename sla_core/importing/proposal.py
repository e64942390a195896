"""Which mapping fits a file: saved and shipped mappings and the CRM layouts, recognised by
the file's headers, so the page and the CLI propose (and store) the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.importing.mapping import PRESET_COLUMNS, PRESETS, ImportOptions, norm
from sla_core.importing.saved import BUNDLED, bundled_mapping, list_mappings, load_mapping

Kind = Literal["layout", "shipped", "saved"]
LAYOUT_LABELS = {
    "generic": N_("Generic sheet"),
    "hubspot": N_("HubSpot contacts"),
    "salesforce": N_("Salesforce leads"),
}
# The mappings shipped with the app (mappings/*.json), by what they read.
SHIPPED_LABELS = {
    "maven_crm": N_("Maven CRM sales pipeline"),
    "x_education": N_("X Education leads"),
}
_KIND_LABELS = {
    "layout": N_("{name} (layout)"),
    "shipped": N_("{name} (shipped mapping)"),
    "saved": N_("{name} (saved mapping)"),
}
# A layout is recognised when this many of its export's own headers are in the file.
_LAYOUT_MIN = 4


@dataclass(frozen=True)
class MappingChoice:
    """One way to read a file: a CRM layout, or a mapping shipped with the app or saved."""

    kind: Kind
    name: str

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        """ "HubSpot contacts (layout)": a Message, translated where it is shown."""
        names = {"layout": LAYOUT_LABELS, "shipped": SHIPPED_LABELS}.get(self.kind, {})
        # a saved mapping: the name it was saved as (data, as typed)
        shown = Message.of(names[self.name]) if self.name in names else self.name
        return Message.of(_KIND_LABELS[self.kind], name=shown)


@dataclass(frozen=True)
class Proposal:
    """The choice proposed for a file, and why."""

    choice: MappingChoice
    reason: str


def shipped_names() -> list[str]:
    """The mappings shipped with the app (sla_core/importing/mappings/*.json)."""
    return sorted(path.stem for path in BUNDLED.glob("*.json"))


def mapping_choices(*, session: Session) -> list[MappingChoice]:
    """Every choice: layouts, then shipped mappings, then saved ones (a saved name wins)."""
    saved = list_mappings(session=session)
    shipped = [name for name in shipped_names() if name not in saved]
    return (
        [MappingChoice("layout", name) for name in PRESETS]
        + [MappingChoice("shipped", name) for name in shipped]
        + [MappingChoice("saved", name) for name in saved]
    )


def options_for(choice: MappingChoice, *, session: Session) -> ImportOptions:
    """The options a choice stands for."""
    if choice.kind == "layout":
        return ImportOptions(preset=choice.name)
    if choice.kind == "shipped":
        return bundled_mapping(choice.name)
    return load_mapping(session=session, name=choice.name)


def find_choice(name: str, *, session: Session) -> MappingChoice:
    """A saved or shipped mapping, or a layout, by its name (saved first)."""
    for choice in reversed(mapping_choices(session=session)):
        if choice.name == name:
            return choice
    known = ", ".join(c.name for c in mapping_choices(session=session))
    raise ValueError(f"no mapping {name!r} (known: {known})")


def _mapping_fit(headers: list[str], options: ImportOptions) -> int:
    """How many columns a mapping names, if the file has every one of them (else 0)."""
    wanted = [c for c in options.columns.values() if c]
    if len(wanted) < 2 or not all(c in headers for c in wanted):
        return 0
    return len(wanted)


def _layout_fit(headers: list[str], preset: str) -> int:
    have = {norm(h) for h in headers}
    return sum(
        1 for labels in PRESET_COLUMNS[preset].values() if any(norm(x) in have for x in labels)
    )


def detect(headers: list[str], *, session: Session) -> Proposal:
    """The mapping whose columns are all in the file (the most columns wins), else the CRM
    layout whose export headers the file has, else the generic sheet."""
    best: tuple[int, MappingChoice] | None = None
    for choice in mapping_choices(session=session):
        if choice.kind == "layout":
            continue
        fit = _mapping_fit(headers, options_for(choice, session=session))
        if fit and (best is None or fit > best[0]):
            best = (fit, choice)
    if best is not None:
        reason = Message.of(
            N_("the file has all {count} columns the {mapping} reads"),
            count=Figure(best[0]),
            mapping=best[1].label,
        )
        return Proposal(best[1], reason)
    fits = {p: _layout_fit(headers, p) for p in PRESETS if p != "generic"}
    preset = max(fits, key=lambda p: fits[p])
    if fits[preset] >= _LAYOUT_MIN:
        choice = MappingChoice("layout", preset)
        said = Message.of(
            N_("{count} of the file's headers are {layout} headers"),
            count=Figure(fits[preset]),
            layout=choice.label,
        )
        return Proposal(choice, said)
    generic = Message.of(N_("columns matched by name and synonyms"))
    return Proposal(MappingChoice("layout", "generic"), generic)
