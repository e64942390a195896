"""The demo's agreement and last quarter: a team at work, not a fresh install.

Version 1, with every workshop question answered, is signed by both managers before the
demo's six months begin, so it governs (and freezes the points of) every period shown.
Version 2 is a draft under discussion, with the managers' comments. Last quarter is closed
with its standings and badges, through the same closing code an admin's click runs.

Everything goes through the agreement's and the closing's own functions (their checks
included); only the moments are then set back to when the story says they happened, as
the leads' histories are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from sla_core import agreement
from sla_core.access import Permission, require, system_actor
from sla_core.agreement import discussion, signing
from sla_core.gamification import closing
from sla_core.models import AgreementComment, AgreementVersion, Role, Signature, User
from sla_core.org import load_org_settings
from sla_core.periods import quarter_containing
from sla_core.store import snapshot

if TYPE_CHECKING:
    from sla_core.demo.vocabulary import Vocabulary

ANSWERS: dict[str, str] = {
    "company_goals": (
        "Grow new annual revenue by 30 % this year, mostly from mid-market accounts in the "
        "Gulf and Europe. We get there by handing sales more leads that fit, faster."
    ),
    "stakeholders": (
        "Sales managers need leads they can close; marketing needs credit for the pipeline it "
        "builds; reps need a short, fair queue; leadership needs one honest figure per month."
    ),
    "mql_definition": (
        "A lead is an MQL when its profile score reaches the threshold: the right industry "
        "and size, a decision maker, a working e-mail, and real engagement (demo, webinar)."
    ),
    "mql_target": (
        "Each marketer delivers 250 MQLs a month: the deals we need, divided by the win and "
        "conversion rates we measured over the last two quarters."
    ),
    "handoff_rate": (
        "Every MQL is handed to a rep within one working day; at least 95 % within two hours "
        "of qualifying during office hours."
    ),
    "rep_caps": (
        "A rep holds at least 40 and at most 150 new MQLs a month, so no one starves and no "
        "one drowns; routing skips a rep who is away."
    ),
    "sales_workflow": (
        "The rep accepts or returns an MQL within 48 working hours, with a reason if it is "
        "returned, then follows up at least three times within seven business days."
    ),
    "rep_metrics": (
        "Each rep is measured on dispositions on time, follow-ups done, opportunities opened "
        "and deals won, against the targets in this agreement."
    ),
    "mql_metrics": (
        "Marketing is measured on MQLs delivered, the share sales accepts, and the share that "
        "becomes an opportunity within the quarter."
    ),
    "consequences": (
        "A side that misses a level two months running presents a recovery plan at the "
        "monthly review; a side that beats every level earns the quarter's team badge and a "
        "shared team dinner."
    ),
}
MARKETING_COMMITMENTS = (
    "Marketing delivers the agreed MQLs each month, every one with a complete profile, and "
    "takes back every returned lead with its reason to nurture."
)
SALES_COMMITMENTS = (
    "Sales works every MQL within the agreed windows, records each disposition with a reason, "
    "and keeps the CRM current so marketing sees what became of its leads."
)
COMMENTS: tuple[tuple[str, str, str, int], ...] = (  # author, section, text, hours before ref
    ("khalid.r", "windows", "Can we try 36 hours to disposition? Mid-market leads cool fast.", 96),
    ("elena.p", "windows", "Fine for marketing if routing skips reps who are away.", 72),
    ("nasrin.f", "workshop.rep_caps", "Enterprise reps cannot take 150 a month at 36 hours.", 50),
    ("elena.p", "targets", "Then 220 MQLs per marketer, with a higher quality share?", 26),
)


# Who signs the demo's agreement: the company and its two sides (completeness asks for them).
COMPANY = "Persepolis Software"
PARTIES = ("Sales (Enterprise Sales and Mid-Market Sales)", "Growth Marketing")


def tell(
    *,
    engine: Engine,
    ids: dict[str, int],
    ref: datetime,
    start: datetime,
    actor: User,
    words: Vocabulary | None = None,
) -> None:
    """The agreement's story and last quarter's close (see the module), for whoever loads
    the demo, in the words of `words` (English by default); an agreement someone already
    worked on (signed, or edited) is left as it is."""
    require(actor, Permission.MANAGE_USERS)
    with Session(engine) as session:
        people = {name: session.get(User, i) for name, i in ids.items()}
        first = agreement.ensure_agreement(session=session)
        untouched = first.number == 1 and first.revision == 1
        if untouched and not agreement.signatures(session=session, version_id=first.id or 0):
            _agreement(session, first, people, ref, start, words)
        session.commit()
    with Session(engine) as session:
        _close_last_quarter(session, engine, ref)
        session.commit()


def _agreement(
    session: Session,
    first: AgreementVersion,
    people: dict[str, User | None],
    ref: datetime,
    start: datetime,
    words: Vocabulary | None,
) -> None:
    sales, marketing = people["nasrin.f"], people["elena.p"]
    assert sales is not None and marketing is not None  # the demo just created them
    content = agreement.load_content(first)
    signed = start - timedelta(days=10)
    texts: dict[str, object] = {"workshop": ANSWERS, "marketing_commitments": MARKETING_COMMITMENTS,
                                "sales_commitments": SALES_COMMITMENTS, "company": COMPANY,
                                "parties": PARTIES}  # fmt: skip
    remarks = [text for _, _, text, _ in COMMENTS]
    if words is not None and words.agreement_title is not None:  # a Persian or Arabic team
        texts = {"workshop": words.answers, "marketing_commitments": words.marketing_commitments,
                 "sales_commitments": words.sales_commitments, "company": words.company,
                 "parties": words.parties, "title": words.agreement_title,
                 "mql": words.mql_definition()}  # fmt: skip
        remarks = list(words.comments)
    answered = content.model_copy(
        update=texts | {"effective_from": signed.date().isoformat(),
                "term_months": 12,
                "review": content.review.model_copy(
                    update={"next_review": (ref + timedelta(days=45)).date().isoformat()}
                )}
    )  # fmt: skip
    v1 = agreement.save_draft(session=session, version_id=first.id or 0, revision=first.revision,
                              content=answered, actor=marketing)  # fmt: skip
    signing.request_review(session=session, version_id=v1.id or 0, seen_hash=v1.content_hash,
                           actor=sales)  # fmt: skip
    for signer in (sales, marketing):
        session.refresh(v1)
        signing.sign(session=session, version_id=v1.id or 0, seen_hash=v1.content_hash,
                     actor=signer)  # fmt: skip
    session.refresh(v1)
    proposal = answered.model_copy(
        update={"windows": answered.windows.model_copy(update={"disposition_hours": 36})}
    )
    v2 = agreement.save_draft(session=session, version_id=v1.id or 0, revision=v1.revision,
                              content=proposal, actor=people["khalid.r"] or sales,
                              section="windows")  # fmt: skip
    for (author, section, _, hours), text in zip(COMMENTS, remarks, strict=True):
        remark = discussion.add_comment(session=session, version_id=v2.id or 0, section=section,
                                        text=text, actor=people[author] or sales)  # fmt: skip
        _set(session, AgreementComment, remark.id, at=ref - timedelta(hours=hours))
    _set(session, AgreementVersion, v1.id, created_at=signed - timedelta(days=14),
         updated_at=signed - timedelta(days=3), in_review_since=signed - timedelta(days=2))  # fmt: skip
    for offset, sig in enumerate(agreement.signatures(session=session, version_id=v1.id or 0)):
        _set(session, Signature, sig.id, signed_at=signed + timedelta(hours=20 * offset))
    opened = ref - timedelta(hours=120)
    _set(session, AgreementVersion, v2.id, created_at=opened, updated_at=opened)
    session.flush()


def _set(session: Session, model: type, row_id: int | None, **values: object) -> None:
    """Move one row's moments to when the story says they happened."""
    session.execute(
        update(model).where(col(model.id) == row_id).values(**values)  # type: ignore[attr-defined]
    )


def _close_last_quarter(session: Session, engine: Engine, ref: datetime) -> None:
    """Close the quarter before `ref`'s, as an admin would (skipped if it has not settled)."""
    org = load_org_settings(session=session)
    this = quarter_containing(ref, zone=org.time_zone, calendar=org.calendar)
    last = quarter_containing(this.start - timedelta(microseconds=1), zone=org.time_zone,
                              calendar=org.calendar)  # fmt: skip
    if closing.latest_close(session=session, period=last) is not None:
        return
    admin = session.exec(
        select(User).where(User.role == Role.ADMIN, col(User.active)).order_by(col(User.id))
    ).first()
    leads = snapshot.read_leads(engine)
    try:
        closing.close_period(session=session, leads=leads, period=last,
                             actor=admin or system_actor(), at=ref)  # fmt: skip
    except closing.ClosingError:
        return  # its last clocks still run: the demo shows it open
