"""Ready to sign means complete: what a version must say before anyone is asked to sign it.

A complete agreement answers every workshop question, names its parties (the company and
both teams), says when it takes effect and for how long, when it is next reviewed, and
who must sign it (at least one role from each side). `missing` lists what is not there
yet, in the workshop's order; `require_complete` refuses with that list.
"""

from __future__ import annotations

from sla_core.access import side_of
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent


class Incomplete(PermissionError):
    """The version is not complete: `missing` says what it still needs, one line each."""

    def __init__(self, message: str, missing: list[str]) -> None:
        super().__init__(message)
        self.missing = missing


def _question(question: str) -> Message:
    return Message.of(N_("No answer yet to “{question}”"), question=Message.of(question))


def _parties(content: AgreementContent) -> list[str]:
    lines: list[str] = []
    if not (content.company or "").strip():
        lines.append(Message.of(N_("The company's name is not written")))
    teams = [p for p in content.parties if p.strip()]
    if len(teams) < 2:
        lines.append(Message.of(N_("Name both teams that are party to the agreement")))
    return lines


def _term(content: AgreementContent) -> list[str]:
    lines: list[str] = []
    if content.effective_from is None:
        lines.append(Message.of(N_("The date the agreement takes effect is not set")))
    if content.term_months is None:
        lines.append(Message.of(N_("The term (how many months the agreement runs) is not set")))
    if content.review.next_review is None:
        lines.append(Message.of(N_("The next review date is not set")))
    return lines


def _signers(content: AgreementContent) -> list[str]:
    sides = {side_of(role) for role in content.required_signers}
    if {"sales", "marketing"} <= sides:
        return []
    return [Message.of(N_("Name at least one sales role and one marketing role that must sign"))]


def missing(content: AgreementContent) -> list[str]:
    """What `content` still lacks to be signed, one sentence each ([] when complete)."""
    unanswered = [
        _question(question)
        for key, question in WORKSHOP_QUESTIONS
        if not content.workshop.get(key, "").strip()
    ]
    return [*unanswered, *_parties(content), *_term(content), *_signers(content)]


def require_complete(content: AgreementContent, *, number: int, doing: str) -> None:
    """Refuse (`Incomplete`) when `content` lacks anything `missing` lists; `doing` names
    the refused step ("asked to sign", "signed")."""
    lines = missing(content)
    if lines:
        raise Incomplete(
            f"version {number} cannot be {doing} until it is complete: " + "; ".join(lines),
            lines,
        )
