"""Checking a PDF: does it show exactly a signed version in this database, and which?

A PDF we export embeds a manifest (the version's canonical JSON and everything else its
pages show), and every export's SHA-256 is put on record in the audit. A PDF is reported
valid only when all of these hold:

1. it is a PDF with exactly one embedded manifest;
2. the SHA-256 of the embedded content equals the hash it claims, and a version in the
   database has that number, that hash and that exact stored content;
3. the file's SHA-256 is on record as an export of that version, so not one byte was
   changed since (visible text, numbers, names, the unsigned appendix figures included).
   When it is not on record, the manifest is rendered again to say why: "the pages were
   edited" if this renderer gives other bytes, else "never exported here" (a copy
   re-rendered elsewhere, e.g. with other appendix figures);
4. the signature block equals the database's valid signatures of that version, and the
   version is fully signed (in force, or superseded by a later signed version).

A later change of the PDF layout (or of fpdf2) does not invalidate PDFs exported before:
step 3 compares the recorded bytes, not a fresh rendering.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field

import pypdf
from pypdf.errors import PyPdfError
from sqlmodel import Session, select

from sla_core.agreement import board
from sla_core.agreement.document import Cover, SignatureLine
from sla_core.agreement.export import EXPORT_ACTION, export_detail
from sla_core.agreement.pdf import MANIFEST_NAME, Manifest, fully_signed, render
from sla_core.agreement.versions import VersionStatus
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.models import AgreementVersion, AuditEntry
from sla_core.models.people import ROLE_NAMES


@dataclass(frozen=True)
class Verdict:
    valid: bool
    reason: str  # a `Message`: English as it stands, translated where it is shown
    version: int | None = None
    status: str | None = None
    content_hash: str | None = None
    signed_by: list[str] = field(default_factory=list)


def _manifest(data: bytes) -> Manifest | Verdict:
    if not data.startswith(b"%PDF-"):
        return Verdict(False, Message.of(N_("not a PDF file")))
    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        blobs = reader.attachments.get(MANIFEST_NAME, [])
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        return Verdict(False, Message.of(N_("not a readable PDF ({error})"), error=str(exc)))
    if len(blobs) != 1:
        return Verdict(
            False,
            Message.of(N_("not an agreement PDF exported by LeadPact (no embedded agreement)")),
        )
    try:
        manifest, _renderer = Manifest.from_json(blobs[0].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return Verdict(
            False, Message.of(N_("the embedded agreement is unreadable ({error})"), error=str(exc))
        )
    return manifest


def _export_record(session: Session, version: AgreementVersion, data: bytes) -> AuditEntry | None:
    return session.exec(
        select(AuditEntry).where(
            AuditEntry.action == EXPORT_ACTION,
            AuditEntry.entity_id == str(version.id),
            AuditEntry.detail == export_detail(data),
        )
    ).first()


def _signatures(session: Session, version: AgreementVersion) -> tuple[SignatureLine, ...]:
    return tuple(
        SignatureLine(r.name or "", r.role, r.signed_at)
        for r in board.signer_rows(session=session, version=version)
    )


def verify_pdf(*, session: Session, data: bytes) -> Verdict:
    """The verdict on `data` (see the module docstring); never raises on bad input."""
    found = _manifest(data)
    if isinstance(found, Verdict):
        return found
    cover = found.cover
    digest = hashlib.sha256(found.content.encode("utf-8")).hexdigest()
    if digest != cover.content_hash:
        return Verdict(
            False,
            Message.of(N_("the embedded content does not match its own hash: it was edited")),
        )
    version = session.exec(
        select(AgreementVersion).where(
            AgreementVersion.number == cover.number, AgreementVersion.content_hash == digest
        )
    ).first()
    if version is None or version.content != found.content:
        return Verdict(
            False,
            Message.of(
                N_(
                    "matches no version of the agreement in this database (claims version {number})"
                ),
                number=Figure(cover.number),
            ),
            content_hash=digest,
        )
    if _export_record(session, version, data) is None:
        try:
            edited = render(found) != data
        except Exception:  # a manifest this renderer cannot draw was not drawn by it
            edited = True
        return Verdict(
            False,
            Message.of(
                N_("the pages differ from version {number} as exported: the PDF was edited")
                if edited
                else N_("shows version {number}, but this file was never exported here"),
                number=Figure(version.number),
            ),
            version=version.number,
            content_hash=digest,
        )
    return _signed_verdict(session, version, cover, digest)


def _signed_verdict(
    session: Session, version: AgreementVersion, cover: Cover, digest: str
) -> Verdict:
    """Step 4 for an exported, unchanged PDF of `version`: is it the fully signed one?"""
    status = board.status_of(session=session, version=version)
    number = version.number

    def verdict(valid: bool, reason: Message, names: list[str] | None = None) -> Verdict:
        return Verdict(valid, reason, number, status.value, digest, names or [])

    if fully_signed(cover) and cover.signatures != _signatures(session, version):
        return verdict(False, Message.of(N_("the signature block differs from the database's")))
    shown = Figure(number)
    if status not in (VersionStatus.SIGNED, VersionStatus.SUPERSEDED):
        return verdict(
            False,
            Message.of(
                N_("version {number} is not signed ({status})"),
                number=shown,
                status=Message.of(board.STATUS_TEXT[status]),
            ),
        )
    if not fully_signed(cover):
        return verdict(
            False,
            Message.of(
                N_("a draft export of version {number}, made before every signature was in"),
                number=shown,
            ),
        )
    names = [f"{s.name} ({s.role.replace('_', ' ')})" for s in cover.signatures]
    template = (
        N_("matches version {number}, in force; signed by {names}")
        if status is VersionStatus.SIGNED
        else N_("matches version {number}, signed, since superseded; signed by {names}")
    )
    return verdict(True, Message.of(template, number=shown, names=_signers(cover)), names)


def _signers(cover: Cover) -> Message:
    """The signers, "Nasrin Farahani (Sales manager), Elena Petrova (Marketing manager)": as
    signed, each role in the reader's words."""
    roles = {role.value: Message.of(name) for role, name in ROLE_NAMES.items()}
    parts = [
        Message.of(
            N_("{name} ({role})"),
            name=line.name,
            role=roles.get(line.role, line.role.replace("_", " ")),
        )
        for line in cover.signatures
    ]
    joined = parts[-1] if parts else Message.of("")
    for part in reversed(parts[:-1]):
        joined = Message.of(N_("{first}, {rest}"), first=part, rest=joined)
    return joined
