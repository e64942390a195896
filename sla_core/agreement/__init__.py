"""The agreement: versions and hashing, workshop sections, signing, PDF and verification."""

from sla_core.agreement.versions import (
    Governing,
    StaleRevision,
    VersionStatus,
    all_versions,
    canonical_json,
    content_hash,
    ensure_agreement,
    governing_version,
    is_in_force,
    load_content,
    save_draft,
    signatures,
    statuses,
    valid_signatures,
    working_version,
)

__all__ = [
    "Governing",
    "StaleRevision",
    "VersionStatus",
    "all_versions",
    "canonical_json",
    "content_hash",
    "ensure_agreement",
    "governing_version",
    "is_in_force",
    "load_content",
    "save_draft",
    "signatures",
    "statuses",
    "valid_signatures",
    "working_version",
]
