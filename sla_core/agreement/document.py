"""The agreement as a document: one list of blocks that both the PDF and Markdown draw.

`content_blocks` covers the signed content only (what a diff compares); `document` adds
the version line, the signature block and the compliance appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sla_core.stages import STAGE_LABELS, Stage
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent, Criterion, Enforcement

QUESTIONS = dict(WORKSHOP_QUESTIONS)
ENFORCEMENT_TEXT = {
    Enforcement.CARROT: "Carrot: meeting and beating service levels earns points and recognition.",
    Enforcement.STICK: "Stick: missed service levels cost points and are escalated.",
    Enforcement.BOTH: "Carrot and stick: service levels met earn points, missed ones cost points.",
}


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Para:
    text: str
    label: str = ""  # shown bold before the text


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] = field(default=())  # relative column widths


Block = Heading | Para | Table


@dataclass(frozen=True)
class SignatureLine:
    name: str
    role: str
    signed_at: datetime | None  # None: still to sign


@dataclass(frozen=True)
class Cover:
    """What sits around the content: version, status, signatures, appendix figures."""

    number: int
    status: str
    content_hash: str
    signatures: tuple[SignatureLine, ...]
    appendix_period: str
    appendix: tuple[tuple[str, str], ...]


def _answer(content: AgreementContent, key: str) -> list[Block]:
    text = content.workshop.get(key, "").strip()
    return [Para(text or "(not answered yet)", label=QUESTIONS[key])]


def _accepted(criterion: Criterion) -> str:
    if criterion.accepted:
        return ", ".join(criterion.accepted)
    low, high = criterion.minimum, criterion.maximum
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _definitions(content: AgreementContent) -> list[Block]:
    defined = content.stage_definitions  # stored with sorted keys: print in lifecycle order
    rows = tuple((STAGE_LABELS[s], defined[s.value]) for s in Stage if s.value in defined)
    return [Heading("1. Definitions"), Table(("Stage", "Definition"), rows, (1, 3))]


def criteria_table(content: AgreementContent) -> Table:
    """The MQL criteria: field, weight, accepted values."""
    rows = tuple(
        (c.field.value.replace("_", " ").capitalize(), str(c.weight), _accepted(c))
        for c in content.mql.criteria
    )
    return Table(("Criterion", "Weight", "Accepted values"), rows, (2, 1, 5))


def _mql(content: AgreementContent) -> list[Block]:
    top = sum(c.weight for c in content.mql.criteria)
    return [
        Heading("3. The MQL definition"),
        criteria_table(content),
        Para(
            f"A lead is marketing-qualified when its score reaches {content.mql.threshold} "
            f"of {top} points."
        ),
        *_answer(content, "mql_definition"),
    ]


def _targets(content: AgreementContent) -> list[Block]:
    t = content.targets
    rows = (
        ("MQLs per marketer per month", str(t.mqls_per_marketer)),
        ("MQL to customer conversion", f"{t.conversion_rate_pct} %"),
        ("Opportunities per rep per month", str(t.opportunities_per_rep)),
        ("MQLs per rep per month, at least", str(t.min_mqls_per_rep)),
        ("MQLs per rep per month, at most", str(t.max_mqls_per_rep)),
        ("MQL quality (accepted by sales)", f"{t.quality_pct} %"),
    )
    return [
        Heading("4. Targets and quotas"),
        Table(("Target", "Value"), rows, (3, 1)),
        *_answer(content, "mql_target"),
        *_answer(content, "handoff_rate"),
        *_answer(content, "rep_caps"),
    ]


def _service_rows(content: AgreementContent) -> tuple[tuple[str, str], ...]:
    service = content.service
    ladder = ", ".join(f"{p} %" for p in service.reminders.rep_at_pct) or "never"
    reassign = service.reminders.reassign_after_hours
    return (
        ("A lead is at risk after", f"{service.at_risk_pct} % of its window"),
        ("Dispositioned in time, target", f"{service.disposition_target_pct} %"),
        ("Worked in time, target", f"{service.worked_target_pct} %"),
        ("Followed up in time, target", f"{service.follow_up_target_pct} %"),
        ("The rep is reminded at", f"{ladder} of the window"),
        (
            "The manager is alerted at a breach",
            "yes" if service.reminders.manager_at_breach else "no",
        ),
        ("Reassigned after a breach of", f"{reassign} hours" if reassign else "never"),
    )


def _workflow(content: AgreementContent) -> list[Block]:
    w = content.windows
    rows = (
        ("Disposition of an assigned MQL within", f"{w.disposition_hours} hours"),
        ("Work every MQL within", f"{w.work_within_days} days"),
        ("Follow-up attempts before closing", str(w.follow_up_attempts)),
        ("Reminder before a window closes", f"{w.remind_before_hours} hours"),
        *_service_rows(content),
    )
    return [
        Heading("5. Workflow and SLA windows"),
        Table(("Service level", "Rule"), rows, (3, 1)),
        *_answer(content, "sales_workflow"),
    ]


def _commitments(content: AgreementContent) -> list[Block]:
    return [
        Heading("6. Commitments"),
        Para(content.marketing_commitments.strip() or "(not written yet)", label="Marketing"),
        Para(content.sales_commitments.strip() or "(not written yet)", label="Sales"),
    ]


def _enforcement(content: AgreementContent) -> list[Block]:
    p = content.points
    rows = (
        ("Service level met", f"{p.met} points"),
        (f"Exceeded by {p.exceeded_by_pct} % or more", f"{p.exceeded} extra points"),
        ("Service level missed", f"{p.missed_penalty} points"),
    )
    return [
        Heading("8. Enforcement and point rules"),
        Para(ENFORCEMENT_TEXT[content.enforcement]),
        Table(("Result in a period", "Points"), rows, (3, 1)),
        *_answer(content, "consequences"),
    ]


def content_blocks(content: AgreementContent) -> list[Block]:
    """The agreement's content, section by section (what signatures and diffs cover)."""
    review = content.review
    return [
        Heading(content.title, 0),
        Para(" and ".join(content.parties), label="Parties"),
        *_definitions(content),
        Heading("2. Goals and stakeholders"),
        *_answer(content, "company_goals"),
        *_answer(content, "stakeholders"),
        *_mql(content),
        *_targets(content),
        *_workflow(content),
        *_commitments(content),
        Heading("7. Metrics"),
        *_answer(content, "rep_metrics"),
        *_answer(content, "mql_metrics"),
        *_enforcement(content),
        Heading("9. Review"),
        Para(review.cadence.value.replace("_", "-"), label="Cadence"),
        Para(review.next_review or "(no date set)", label="Next review"),
        Para(", ".join(r.replace("_", " ") for r in content.required_signers), label="Signed by"),
    ]


def document(content: AgreementContent, cover: Cover) -> list[Block]:
    """The whole document: content, signature block, compliance appendix."""
    blocks = content_blocks(content)
    status = Para(f"Version {cover.number}, {cover.status}", label="Version")
    sig_rows = tuple(
        (
            s.name,
            s.role.replace("_", " "),
            s.signed_at.strftime("%Y-%m-%d %H:%M UTC") if s.signed_at else "not signed yet",
        )
        for s in cover.signatures
    )
    return [
        *blocks[:2],
        status,
        *blocks[2:],
        Heading("10. Signatures"),
        Table(("Name", "Role", "Signed"), sig_rows, (2, 2, 2)),
        Para(f"Content hash (SHA-256): {cover.content_hash}"),
        Heading(f"Appendix: compliance, {cover.appendix_period}"),
        Table(("Measure", "Figure"), cover.appendix, (3, 1)),
    ]
