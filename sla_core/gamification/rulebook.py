"""Which agreement version's point rules a period plays by: frozen once the period starts.

A version is in force from the moment its last required signature was made on its exact
content. A period uses the version that was in force at its start, so a change signed
mid-period applies from the next period. A period that started before any version was
signed uses the version in force now (or the newest draft), and says it is not frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlmodel import Session

from sla_core import agreement
from sla_core.agreement.versions import chain
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.models import AgreementVersion, Signature
from sla_core.periods import Period
from sla_core.terms import AgreementContent


@dataclass(frozen=True)
class PeriodRules:
    """The content a period is scored with, which version it is and whether it is frozen."""

    content: AgreementContent
    version_id: int
    version_number: int
    frozen: bool

    def describe(self) -> str:
        """One sentence for the board: which version's rules, and why."""
        if self.frozen:
            return Message.of(
                N_(
                    "Points use the rules of agreement v{version}, in force when this period started."
                ),
                version=self.version_number,
            )
        return Message.of(
            N_(
                "Points use the rules of agreement v{version}; no signed version was in force "
                "when this period started, so they are not frozen yet."
            ),
            version=self.version_number,
        )


def in_force_since(
    version: AgreementVersion, sigs: list[Signature], needed: tuple[str, ...] | None = None
) -> datetime | None:
    """When every needed role (by default the version's own signer list; see
    `agreement.versions.chain`) had signed this exact content (None: not in force)."""
    required = set(
        needed if needed is not None else agreement.load_content(version).required_signers
    )
    firsts: dict[str, datetime] = {}
    for sig in sigs:
        if sig.content_hash == version.content_hash and str(sig.role) in required:
            seen = firsts.get(str(sig.role))
            firsts[str(sig.role)] = sig.signed_at if seen is None else min(seen, sig.signed_at)
    if not required or set(firsts) != required:
        return None
    return max(firsts.values())


def rules_for(*, session: Session, period: Period) -> PeriodRules:
    """The agreement version whose point rules `period` plays by (see the module rule)."""
    start = pd.Timestamp(period.start)
    for link in reversed(chain(session=session)):
        version = link.version
        since = in_force_since(version, link.sigs, link.needed)
        if since is not None and pd.Timestamp(since) <= start:
            return PeriodRules(
                agreement.load_content(version), version.id or 0, version.number, True
            )
    governing = agreement.governing_version(session=session)
    return PeriodRules(
        governing.content, governing.version.id or 0, governing.version.number, False
    )
