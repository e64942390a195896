"""Exports of one agreement version: the PDF and Markdown, built from the database."""

from __future__ import annotations

import hashlib
from datetime import datetime

import pandas as pd
from sqlmodel import Session, select

from sla_core import audit
from sla_core.access import Permission, require
from sla_core.agreement import board, markdown
from sla_core.agreement.pdf import Manifest, render
from sla_core.agreement.versions import governing_version, load_content
from sla_core.agreement.wording import Wording
from sla_core.i18n import dates
from sla_core.i18n.languages import Language
from sla_core.models import AgreementVersion, User
from sla_core.org import load_org_settings
from sla_core.sla.context import load_setup
from sla_core.sla.reassign import kept_breaches

EXPORT_ACTION = "export_pdf"


def pick_version(*, session: Session, number: int | None) -> AgreementVersion:
    """Version `number`, or by default the one in force (else the newest draft)."""
    if number is None:
        return governing_version(session=session).version
    version = session.exec(
        select(AgreementVersion).where(AgreementVersion.number == number)
    ).first()
    if version is None:
        raise LookupError(f"there is no agreement version {number}")
    return version


def manifest_for(
    *,
    session: Session,
    version: AgreementVersion,
    leads: pd.DataFrame,
    ref: datetime,
    language: Language = Language.ENGLISH,
) -> Manifest:
    """What the export of `version` in `language` shows at `ref` (appendix: the last month)."""
    setup = load_setup(session=session)
    # the month in the reader's calendar (Jalali for Persian), cut in the organisation's zone
    calendar = dates.display_calendar(language, load_org_settings(session=session).calendar)
    kept = kept_breaches(session=session)  # a breach a reassignment left counts, as on Compliance
    period, rows = board.appendix(
        leads, version, ref, Wording(language), setup=setup, calendar=calendar, kept=kept
    )
    cover = board.cover(
        session=session, version=version, appendix_period=period, appendix_rows=rows
    )
    return Manifest(
        content=version.content,
        cover=cover,
        generated_at=ref.replace(microsecond=0),
        language=language,
    )


def export_pdf(
    *,
    session: Session,
    number: int | None,
    leads: pd.DataFrame,
    ref: datetime,
    actor: User,
    language: Language = Language.ENGLISH,
) -> tuple[bytes, Manifest]:
    """The PDF of a version (see `pick_version`) in `language`, and what it shows.

    Every export is put on record (the audit, with the SHA-256 of the file), so `verify`
    can tell a PDF we made from one re-rendered elsewhere with other appendix figures.
    """
    require(actor, Permission.EXPORT_REPORTS)
    version = pick_version(session=session, number=number)
    manifest = manifest_for(
        session=session, version=version, leads=leads, ref=ref, language=language
    )
    data = render(manifest)
    audit.record(
        session=session,
        actor=actor,
        action=EXPORT_ACTION,
        entity="agreement_version",
        entity_id=version.id,
        detail=export_detail(data),
    )
    session.flush()
    return data, manifest


def export_detail(data: bytes) -> str:
    """How an export is written in the audit: the file's SHA-256."""
    return f"sha256 {hashlib.sha256(data).hexdigest()}"


def export_markdown(
    *,
    session: Session,
    number: int | None,
    leads: pd.DataFrame,
    ref: datetime,
    actor: User,
    language: Language = Language.ENGLISH,
) -> str:
    """The same document as Markdown, in `language`."""
    require(actor, Permission.EXPORT_REPORTS)
    version = pick_version(session=session, number=number)
    manifest = manifest_for(
        session=session, version=version, leads=leads, ref=ref, language=language
    )
    return markdown.export_markdown(load_content(version), manifest.cover, Wording(language))
