"""Writing the marketing pages' edits into the agreement's working version, section by section.

Built on `agreement.sections.save_section`: an edit of the MQL definition or the quotas
merges with edits others saved meanwhile to *other* sections, and is refused (nothing
overwritten) when someone changed the same section. Saving a signed version starts the
next draft (`agreement.save_draft` does that).
"""

from __future__ import annotations

from sqlmodel import Session

from sla_core import agreement, audit
from sla_core.access import Permission, require
from sla_core.agreement.sections import save_section, section_value
from sla_core.models import AgreementVersion, User
from sla_core.terms import AgreementContent


def working_draft(*, session: Session) -> tuple[AgreementVersion, bool]:
    """The version editors open, and whether it is signed (then a save starts a new draft)."""
    version = agreement.working_version(session=session)
    status = agreement.statuses(session=session).get(version.id or 0)
    return version, status is agreement.VersionStatus.SIGNED


def save_edit(
    *,
    session: Session,
    version_id: int,
    revision: int,
    opened: AgreementContent,
    content: AgreementContent,
    sections: tuple[str, ...],
    summary: list[str],
    action: str,
    actor: User,
) -> AgreementVersion:
    """Save the `sections` of `content` edited from `opened`, with a readable summary.

    Raises `agreement.StaleRevision` (a `StaleSection` when someone changed one of these
    sections since it was opened); nothing is saved then.
    """
    require(actor, Permission.EDIT_AGREEMENT)
    version: AgreementVersion | None = None
    for section in sections:
        base, value = section_value(opened, section), section_value(content, section)
        if base == value:
            continue
        saved = save_section(
            session=session,
            version_id=version_id,
            revision=revision,
            section=section,
            base=base,
            value=value,
            actor=actor,
        ).version
        version, version_id, revision = saved, saved.id or 0, saved.revision
    if version is None:
        found = session.get(AgreementVersion, version_id)
        if found is None:
            raise LookupError(f"agreement version {version_id} does not exist")
        return found
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="agreement_version",
        entity_id=version.id,
        detail=f"v{version.number} revision {version.revision}: "
        + ("; ".join(summary) or "no change"),
    )
    session.flush()
    return version
