"""The agreement as a document: one list of blocks that both the PDF and Markdown draw.

`content_blocks` covers the signed content only (what a diff compares); `document` adds
the version line, the signature block and the compliance appendix. Both are written in
one language (`Wording`): the fixed texts translated, what people wrote as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sla_core.agreement.blocks import Block, Heading, Para, Table, _visible
from sla_core.agreement.rules_text import band_rows, point_rows
from sla_core.agreement.wording import Wording
from sla_core.i18n.languages import N_
from sla_core.stages import Stage
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent, Criterion, Enforcement

QUESTIONS = dict(WORKSHOP_QUESTIONS)
ENGLISH = Wording()


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


def _answer(content: AgreementContent, key: str, w: Wording) -> list[Block]:
    text = content.workshop.get(key, "").strip()
    return [Para(text or w.t(N_("(not answered yet)")), label=w.t(QUESTIONS[key]))]


def _accepted(criterion: Criterion, w: Wording) -> str:
    if criterion.accepted:
        return w.listing(criterion.accepted)
    low, high = criterion.minimum, criterion.maximum
    if low is not None and high is not None:
        return w.t(N_("{low} to {high}"), low=w.n(low), high=w.n(high))
    if low is not None:
        return w.t(N_("at least {low}"), low=w.n(low))
    return w.t(N_("at most {high}"), high=w.n(high) if high is not None else "None")


def _definitions(content: AgreementContent, w: Wording) -> list[Block]:
    defined = content.stage_definitions  # stored with sorted keys: print in lifecycle order
    rows = tuple(
        (w.stage(s), w.definition(s, defined[s.value])) for s in Stage if s.value in defined
    )
    return [
        Heading(w.t(N_("1. Definitions"))),
        Table((w.t(N_("Stage")), w.t(N_("Definition"))), rows, (1, 3)),
    ]


def criteria_table(content: AgreementContent, w: Wording = ENGLISH) -> Table:
    """The MQL criteria: field, weight, accepted values."""
    rows = tuple(
        (w.criterion(c.field), w.n(c.weight), _accepted(c, w)) for c in content.mql.criteria
    )
    headers = (w.t(N_("Criterion")), w.t(N_("Weight")), w.t(N_("Accepted values")))
    return Table(headers, rows, (2, 1, 5))


def _mql(content: AgreementContent, w: Wording) -> list[Block]:
    top = sum(c.weight for c in content.mql.criteria)
    sentence = N_(
        "A lead is marketing-qualified when its score reaches {threshold} of {top} points."
    )
    return [
        Heading(w.t(N_("3. The MQL definition"))),
        criteria_table(content, w),
        Para(w.t(sentence, threshold=w.n(content.mql.threshold), top=w.n(top))),
        *_answer(content, "mql_definition", w),
    ]


def _targets(content: AgreementContent, w: Wording) -> list[Block]:
    t = content.targets
    rows = (
        (w.t(N_("MQLs per marketer per month")), w.n(t.mqls_per_marketer)),
        (w.t(N_("MQL to customer conversion")), w.pct(t.conversion_rate_pct)),
        (w.t(N_("Opportunities per rep per month")), w.n(t.opportunities_per_rep)),
        (w.t(N_("MQLs per rep per month, at least")), w.n(t.min_mqls_per_rep)),
        (w.t(N_("MQLs per rep per month, at most")), w.n(t.max_mqls_per_rep)),
        (w.t(N_("MQL quality (accepted by sales)")), w.pct(t.quality_pct)),
    )
    return [
        Heading(w.t(N_("4. Targets and quotas"))),
        Table((w.t(N_("Target")), w.t(N_("Value"))), rows, (3, 1)),
        *_answer(content, "mql_target", w),
        *_answer(content, "handoff_rate", w),
        *_answer(content, "rep_caps", w),
    ]


def _hours(hours: int, w: Wording) -> str:
    """Windows run in working hours (the clocks skip nights, weekends, holidays, time away)."""
    return w._n("{count} working hour", "{count} working hours", hours)


def _service_rows(content: AgreementContent, w: Wording) -> tuple[tuple[str, str], ...]:
    service = content.service
    never = w.t(N_("never"))
    ladder = w.listing([w.pct(p) for p in service.reminders.rep_at_pct]) or never
    reassign = service.reminders.reassign_after_hours
    return (
        (
            w.t(N_("A lead is at risk after")),
            w.t(N_("{share} of its window"), share=w.pct(service.at_risk_pct)),
        ),
        (w.t(N_("Dispositioned in time, target")), w.pct(service.disposition_target_pct)),
        (w.t(N_("Worked in time, target")), w.pct(service.worked_target_pct)),
        (w.t(N_("Followed up in time, target")), w.pct(service.follow_up_target_pct)),
        (w.t(N_("The rep is reminded at")), w.t(N_("{steps} of the window"), steps=ladder)),
        (
            w.t(N_("The manager is alerted at a breach")),
            w.t(N_("yes")) if service.reminders.manager_at_breach else w.t(N_("no")),
        ),
        (w.t(N_("Reassigned after a breach of")), _hours(reassign, w) if reassign else never),
        *band_rows(content, w),
    )


def _workflow(content: AgreementContent, w: Wording) -> list[Block]:
    win = content.windows
    rows = (
        (w.t(N_("Disposition of an assigned MQL within")), _hours(win.disposition_hours, w)),
        (
            w.t(N_("Work every MQL within")),
            w._n("{count} business day", "{count} business days", win.work_within_days),
        ),
        (w.t(N_("Follow-up attempts before closing")), w.n(win.follow_up_attempts)),
        (w.t(N_("Reminder before a window closes")), _hours(win.remind_before_hours, w)),
        *_service_rows(content, w),
    )
    return [
        Heading(w.t(N_("5. Workflow and SLA windows"))),
        Table((w.t(N_("Service level")), w.t(N_("Rule"))), rows, (3, 1)),
        *_answer(content, "sales_workflow", w),
    ]


def _commitments(content: AgreementContent, w: Wording) -> list[Block]:
    unwritten = w.t(N_("(not written yet)"))
    return [
        Heading(w.t(N_("6. Commitments"))),
        Para(content.marketing_commitments.strip() or unwritten, label=w.t(N_("Marketing"))),
        Para(content.sales_commitments.strip() or unwritten, label=w.t(N_("Sales"))),
    ]


def _enforcement(content: AgreementContent, w: Wording) -> list[Block]:
    """The point rules exactly as the engine applies them (`rules_text.point_rows`); the
    enforcement sentence never says a miss costs points when it costs none."""
    p = content.points
    costs = p.penalties_apply() and any(rule.penalty for rule in p.rules())
    said = w.enforcement(content.enforcement)
    if content.enforcement is not Enforcement.CARROT and not costs:
        said = w.t(N_("Meeting and beating service levels earns points; a miss costs no points."))
    return [
        Heading(w.t(N_("8. Enforcement and point rules"))),
        Para(said),
        Table((w.t(N_("Result in a period")), w.t(N_("Points"))), point_rows(content, w), (3, 1)),
        *_answer(content, "consequences", w),
    ]


def _parties(content: AgreementContent, w: Wording) -> list[Block]:
    """Who agrees, from when and for how long."""
    unwritten = w.t(N_("(not written yet)"))
    start = w.day(content.effective_from) if content.effective_from else w.t(N_("(no date set)"))
    term = content.term_months
    return [
        Para((content.company or "").strip() or unwritten, label=w.t(N_("Company"))),
        Para(w.join(w.parties(content.parties)), label=w.t(N_("Parties"))),
        Para(start, label=w.t(N_("Effective from"))),
        Para(
            w._n("{count} month", "{count} months", term) if term else w.t(N_("(not set)")),
            label=w.t(N_("Term")),
        ),
    ]


def _signature_lines(cover: Cover, w: Wording) -> list[Block]:
    """One line per signer to sign by hand: the role, the name and the date when signed."""
    blank = "_" * 28
    lines: list[Block] = []
    for s in cover.signatures:
        when = w.instant(s.signed_at) if s.signed_at else blank
        text = w.t(
            N_("Signature: {line}   Name: {name}   Date: {date}"),
            line=blank,
            name=s.name or blank,
            date=when,
        )
        lines.append(Para(text, label=w.role(s.role)))
    return lines


def content_blocks(content: AgreementContent, w: Wording = ENGLISH) -> list[Block]:
    """The agreement's content, section by section (what signatures and diffs cover), with
    what people wrote drawn without bidi overrides or control characters."""
    return [_visible(block) for block in _content_blocks(content, w)]


def _content_blocks(content: AgreementContent, w: Wording) -> list[Block]:
    review = content.review
    next_review = w.day(review.next_review) if review.next_review else w.t(N_("(no date set)"))
    return [
        Heading(w.title(content.title), 0),
        *_parties(content, w),
        *_definitions(content, w),
        Heading(w.t(N_("2. Goals and stakeholders"))),
        *_answer(content, "company_goals", w),
        *_answer(content, "stakeholders", w),
        *_mql(content, w),
        *_targets(content, w),
        *_workflow(content, w),
        *_commitments(content, w),
        Heading(w.t(N_("7. Metrics"))),
        *_answer(content, "rep_metrics", w),
        *_answer(content, "mql_metrics", w),
        *_enforcement(content, w),
        Heading(w.t(N_("9. Review"))),
        Para(w.cadence(review.cadence), label=w.t(N_("Cadence"))),
        Para(next_review, label=w.t(N_("Next review"))),
        Para(w.listing([w.role(r) for r in content.required_signers]), label=w.t(N_("Signed by"))),
    ]


def document(content: AgreementContent, cover: Cover, w: Wording = ENGLISH) -> list[Block]:
    """The whole document: content, signature block, compliance appendix."""
    blocks = content_blocks(content, w)
    number = w.n(cover.number)
    status = Para(
        w.t(N_("Version {number}, {status}"), number=number, status=w.t(cover.status)),
        label=w.t(N_("Version")),
    )
    unsigned = w.t(N_("not signed yet"))
    sig_rows = tuple(
        (s.name, w.role(s.role), w.instant(s.signed_at) if s.signed_at else unsigned)
        for s in cover.signatures
    )
    headers = (w.t(N_("Name")), w.t(N_("Role")), w.t(N_("Signed")))
    period = w.t(N_("Appendix: compliance, {period}"), period=cover.appendix_period)
    cover_blocks: list[Block] = [
        Heading(w.t(N_("10. Signatures"))),
        Table(headers, sig_rows, (2, 2, 2)),
        *_signature_lines(cover, w),
        Para(w.t(N_("Content hash (SHA-256): {hash}"), hash=cover.content_hash)),
        Heading(period),
        Table((w.t(N_("Measure")), w.t(N_("Figure"))), cover.appendix, (3, 1)),
    ]
    head = 1 + len(_parties(content, w))  # the title and the parties, then the version line
    return [*blocks[:head], status, *blocks[head:], *(_visible(b) for b in cover_blocks)]
