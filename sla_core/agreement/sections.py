"""Workshop sections: each part of the agreement saves on its own.

Design: the version keeps one revision (the hash covers the whole content, so the
content stays one document), and a section save merges at section level:

1. read the version; if its revision is still the one the editor opened, save;
2. if not, compare the section's current value with the value the editor started from
   (`base`): unchanged means others edited *other* sections, so put this section onto
   their content and save against the new revision; changed means a real conflict:
   refuse with both texts (`StaleSection`) so the editor can merge;
3. every save is `save_draft`'s one UPDATE ... WHERE revision = :seen, so of two
   concurrent saves of one section exactly one wins, and a lost race re-enters step 1.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from sla_core.agreement.blocks import visible
from sla_core.agreement.versions import StaleRevision, load_content, save_draft
from sla_core.models import AgreementVersion, User
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent, Enforcement

WORKSHOP_PREFIX = "workshop."
TOP_LEVEL = (
    "title",
    "parties",
    "marketing_commitments",
    "sales_commitments",
    "stage_definitions",
    "review",
    "required_signers",
    "mql",
    "targets",
    "windows",
)
# Sections that edit several fields at once (see `_composite_value` / `_with_composite`):
# who agrees and for how long; how the agreement is enforced together with the point rules
# that enforce it, so the enforcement sentence and the numbers are always saved together.
PARTIES_AND_TERM = "parties_and_term"
ENFORCEMENT_RULES = "enforcement"  # with the point rules (no section edits them alone)
COMPOSITE = (PARTIES_AND_TERM, ENFORCEMENT_RULES)
SECTIONS: tuple[str, ...] = (
    tuple(WORKSHOP_PREFIX + key for key, _ in WORKSHOP_QUESTIONS) + TOP_LEVEL + COMPOSITE
)
MAX_MERGE_ATTEMPTS = 5


class StaleSection(StaleRevision):
    """Someone else changed this section since it was opened; nothing was overwritten."""

    def __init__(
        self,
        message: str,
        *,
        section: str,
        theirs: Any,
        mine: Any,
        revision: int,
        saved_by: str | None = None,
    ):
        super().__init__(message)
        self.section = section
        self.theirs = theirs
        self.mine = mine
        self.revision = revision
        self.saved_by = saved_by  # who saved the text that is there now


def _check(section: str) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown agreement section {section!r}")


def section_value(content: AgreementContent, section: str) -> Any:
    """The section's value as plain JSON data (text for workshop answers)."""
    _check(section)
    if section.startswith(WORKSHOP_PREFIX):
        return content.workshop.get(section.removeprefix(WORKSHOP_PREFIX), "")
    if section in COMPOSITE:
        return _composite_value(content, section)
    return content.model_dump(mode="json")[section]


def _composite_value(content: AgreementContent, section: str) -> dict[str, Any]:
    data = content.model_dump(mode="json")
    if section == PARTIES_AND_TERM:
        return {k: data[k] for k in ("company", "parties", "effective_from", "term_months")}
    points = data["points"]
    return {
        "enforcement": data["enforcement"],
        **{k: points[k] for k in ("met", "exceeded", "exceeded_by_pct", "missed_penalty")},
    }


def _with_composite(data: dict[str, Any], section: str, value: Any) -> None:
    """Put a composite section's `value` into the content's JSON `data`."""
    if not isinstance(value, dict):
        raise ValueError(f"{section}: expected the section's fields")
    if section == PARTIES_AND_TERM:
        for key in ("company", "parties", "effective_from", "term_months"):
            data[key] = value.get(key, data[key])
        if isinstance(data["company"], str) and not data["company"].strip():
            data["company"] = None
        return
    mode = str(value.get("enforcement", data["enforcement"]))
    points = dict(data["points"])
    for key in ("met", "exceeded", "exceeded_by_pct", "missed_penalty"):
        points[key] = value.get(key, points[key])
    for key in ("met", "exceeded", "missed_penalty"):
        if not isinstance(points[key], int) or points[key] < 0:
            raise ValueError(f"{section}: {key}: points are a whole number, 0 or more")
    _agree(section, mode, int(points["missed_penalty"]))
    points["stick"] = mode != Enforcement.CARROT.value  # the stick is the enforcement chosen
    data["enforcement"], data["points"] = mode, points


def _agree(section: str, mode: str, penalty: int) -> None:
    """The enforcement sentence and the penalty say the same: a stick costs points, a
    carrot alone costs none."""
    if mode == Enforcement.CARROT.value and penalty:
        raise ValueError(
            f"{section}: the carrot alone costs no points for a miss: set the penalty to 0, "
            "or choose the stick"
        )
    if mode != Enforcement.CARROT.value and not penalty:
        raise ValueError(
            f"{section}: the stick means a missed service level costs points: set a penalty "
            "above 0, or choose the carrot alone"
        )


def _visible_texts(value: Any) -> Any:
    """`value` with every text in it stripped of bidi overrides and control characters."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, list | tuple):
        return [_visible_texts(v) for v in value]
    if isinstance(value, dict):
        return {k: _visible_texts(v) for k, v in value.items()}
    return value


def with_section(content: AgreementContent, section: str, value: Any) -> AgreementContent:
    """`content` with one section replaced; an invalid value is refused in words.

    What people write is stored without the characters that change how it reads unseen
    (a U+202E reversed a sentence in the signed PDF; NUL bytes): stripped, not refused,
    since text pasted from word processors carries direction marks nobody typed.
    """
    _check(section)
    value = _visible_texts(value)
    data = content.model_dump(mode="json")
    if section.startswith(WORKSHOP_PREFIX):
        key = section.removeprefix(WORKSHOP_PREFIX)
        answers = dict(data["workshop"])
        if isinstance(value, str) and value.strip():
            answers[key] = value
        else:
            answers.pop(key, None)
        data["workshop"] = answers
    elif section in COMPOSITE:
        _with_composite(data, section, value)
    else:
        data[section] = value
    try:
        return AgreementContent.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or section
        raise ValueError(f"{section}: {where}: {first['msg']}") from exc


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@dataclass(frozen=True)
class SectionSaved:
    version: AgreementVersion
    merged: bool  # others had saved other sections; this one was put onto their text


def save_section(
    *,
    session: Session,
    version_id: int,
    revision: int,
    section: str,
    base: Any,
    value: Any,
    actor: User,
) -> SectionSaved:
    """Save one section opened at `revision` with value `base` (see the module docstring)."""
    _check(section)
    merged = False
    for _ in range(MAX_MERGE_ATTEMPTS):
        version = session.get(AgreementVersion, version_id, populate_existing=True)
        if version is None:
            raise LookupError(f"agreement version {version_id} does not exist")
        current = load_content(version)
        if version.revision != revision:
            theirs = section_value(current, section)
            if not _same(theirs, base):
                editor = session.get(User, version.updated_by) if version.updated_by else None
                who = editor.name if editor else None
                raise StaleSection(
                    f"{section} was changed by {who or 'someone else'} since you opened it",
                    section=section,
                    theirs=theirs,
                    mine=value,
                    revision=version.revision,
                    saved_by=who,
                )
            revision, merged = version.revision, True
        content = with_section(current, section, value)
        try:
            saved = save_draft(
                session=session,
                version_id=version_id,
                revision=revision,
                content=content,
                actor=actor,
                section=section,
            )
        except StaleRevision:
            moved = session.get(AgreementVersion, version_id, populate_existing=True)
            if moved is None or moved.revision == revision:
                raise  # not a lost race (superseded, a newer draft exists): say so
            continue
        return SectionSaved(saved, merged)
    raise StaleRevision(f"{section}: the agreement is changing too fast; try again")
