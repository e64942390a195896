"""What the workshop page shows about a version: its sections, signers and cover."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlmodel import Session, select

from sla_core.agreement.document import Cover, SignatureLine
from sla_core.agreement.figures import History
from sla_core.agreement.versions import (
    VersionStatus,
    load_content,
    signatures,
    signers_needed,
    statuses,
    valid_signatures,
)
from sla_core.agreement.wording import Wording
from sla_core.i18n import dates, numbers
from sla_core.i18n.languages import N_
from sla_core.i18n.message import Figure, Message
from sla_core.models import AgreementVersion, User
from sla_core.overview import figures
from sla_core.periods import Calendar, month_containing, shift
from sla_core.sla.clocks import lead_clocks
from sla_core.sla.levels import marketing_levels
from sla_core.sla.worktime import WorkSetup
from sla_core.terms import WORKSHOP_QUESTIONS, AgreementContent

# (section, title, kind): the workshop's guided order. Kinds: text, parties, stages,
# enforcement (with the point rules), review, targets, windows, signers.
GUIDE: tuple[tuple[str, str, str], ...] = (
    *((f"workshop.{key}", question, "text") for key, question in WORKSHOP_QUESTIONS),
    ("parties_and_term", N_("Who agrees, from when and for how long?"), "parties"),
    ("marketing_commitments", N_("What does marketing commit to?"), "text"),
    ("sales_commitments", N_("What does sales commit to?"), "text"),
    ("stage_definitions", N_("How do we define each stage?"), "stages"),
    ("targets", N_("Targets and quotas"), "targets"),
    ("windows", N_("SLA windows"), "windows"),
    (
        "enforcement",
        N_("How is the agreement enforced, and what is it worth in points?"),
        "enforcement",
    ),
    ("review", N_("When do we review the agreement?"), "review"),
    ("required_signers", N_("Who must sign the agreement?"), "signers"),
)
STATUS_TEXT = {
    VersionStatus.DRAFT: N_("draft"),
    VersionStatus.IN_REVIEW: N_("in review, awaiting signatures"),
    VersionStatus.SIGNED: N_("signed and in force"),
    VersionStatus.SUPERSEDED: N_("superseded"),
}


ENGLISH = Wording()


@dataclass(frozen=True)
class SignerRow:
    role: str
    name: str | None
    signed_at: datetime | None


def names(*, session: Session) -> dict[int | None, str]:
    """Every user's name by id."""
    return {u.id: u.name for u in session.exec(select(User)).all()}


def signer_rows(*, session: Session, version: AgreementVersion) -> list[SignerRow]:
    """One row per required role: who signed this exact content, and when (or nobody yet)."""
    names = {u.id: u.name for u in session.exec(select(User)).all()}
    valid = valid_signatures(version, signatures(session=session, version_id=version.id or 0))
    by_role = {str(s.role): s for s in valid}
    rows = []
    for role in signers_needed(session=session, version_id=version.id or 0):
        sig = by_role.get(role)
        rows.append(
            SignerRow(role, names.get(sig.user_id) if sig else None, sig.signed_at if sig else None)
        )
    return rows


def signed_by(*, session: Session, version: AgreementVersion, user: User) -> datetime | None:
    """When `user` signed this exact content of `version` (None: not, or voided since)."""
    valid = valid_signatures(version, signatures(session=session, version_id=version.id or 0))
    return next((s.signed_at for s in valid if s.user_id == user.id), None)


def status_of(*, session: Session, version: AgreementVersion) -> VersionStatus:
    return statuses(session=session)[version.id or 0]


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def working_hours(setup: WorkSetup, w: Wording = ENGLISH) -> str:
    """What the clocks count as working time, in words ("Mon, Tue, ... 09:00-17:00, UTC;
    holidays and time away do not count")."""
    hours = setup.work_time.hours
    if hours is None:
        return w.t(N_("around the clock, {zone}"), zone=setup.zone)
    start = dates.WEEKDAYS.index(dates.default_week_start(w.language))  # Persian: Saturday

    def first(day: int) -> int:
        return (day - start) % 7

    return w.t(
        N_("{days} {start}-{end}, {zone}; holidays and time away do not count"),
        days=w.listing([w.t(WEEKDAYS[d]) for d in sorted(hours.weekdays, key=first)]),
        start=w.digits(f"{hours.start:%H:%M}"),
        end=w.digits(f"{hours.end:%H:%M}"),
        zone=setup.zone,
    )


def _appendix_rows(
    stats: figures.Overview, quality: pd.Series, setup: WorkSetup, w: Wording
) -> tuple[tuple[str, str], ...]:
    """The appendix's printable rows (label, figure)."""

    def pct(value: float | None) -> str:
        if value is None:
            return w.t(N_("n/a"))
        return f"{value:.1f} %" if w.english else numbers.format_percent(value, w.language)

    def count(value: int) -> str:
        return numbers.format_number(value, w.language)

    return (
        (w.t(N_("MQLs")), count(stats.mqls)),
        (
            w.t(N_("Dispositioned within the window")),
            w.t(
                N_("{met} of {due}"),
                met=count(stats.disposition_met),
                due=count(stats.disposition_due),
            ),
        ),
        (w.t(N_("Dispositioned in time")), pct(stats.disposition_pct)),
        (w.t(N_("Deals won")), count(stats.won)),
        (
            w.t(N_("Conversion (of the MQLs handed off, won so far)")),
            w.t(
                N_("{share}: {won} of {received}"),
                share=pct(stats.conversion_pct),
                won=count(stats.converted),
                received=count(stats.received),
            ),
        ),
        (w.t(N_("Opportunities")), count(stats.opportunities)),
        (
            w.t(N_("MQLs accepted by sales")),
            w.t(
                N_("{met} of {due}"), met=count(quality["accepted"]), due=count(quality["decided"])
            ),
        ),
        (
            w.t(N_("MQL quality (accepted by sales)")),
            pct(None if not quality["decided"] else float(quality["quality_pct"])),
        ),
        (w.t(N_("Hours are counted in")), working_hours(setup, w)),
    )


def appendix(
    leads: pd.DataFrame,
    version: AgreementVersion,
    ref: datetime,
    w: Wording = ENGLISH,
    *,
    setup: WorkSetup | None = None,
    calendar: Calendar = Calendar.GREGORIAN,
    kept: pd.DataFrame | None = None,
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The last full month's service levels, as printable rows.

    The month is cut in the organisation's zone (`setup.zone`) and `calendar`; the figures
    are the one computation's (`figures.overview` over `lead_clocks` at `ref`, in
    working time, with exemptions), the ones the Overview and Compliance show. `kept`: the
    breaches reassignments left with the owners who missed them (`reassign.kept_breaches`),
    counted due and not met as Compliance counts them.
    """
    setup = setup or WorkSetup()
    period = shift(month_containing(ref, zone=setup.zone, calendar=calendar), -1)
    content = load_content(version)
    clocks = lead_clocks(leads, content, ref, setup)
    stats = figures.overview(leads, clocks, content, period, ref, kept=kept)
    quality = marketing_levels(leads, period, None).iloc[0]

    rows = _appendix_rows(stats, quality, setup, w)
    label = period.label if w.english else dates.period_name(period, w.language)
    return label, rows


def cover(
    *,
    session: Session,
    version: AgreementVersion,
    appendix_period: str,
    appendix_rows: tuple[tuple[str, str], ...],
) -> Cover:
    """Everything around the content for an export of `version`."""
    status = status_of(session=session, version=version)
    lines = tuple(
        SignatureLine(r.name or "", r.role, r.signed_at)
        for r in signer_rows(session=session, version=version)
    )
    return Cover(
        number=version.number,
        status=STATUS_TEXT[status],
        content_hash=version.content_hash,
        signatures=lines,
        appendix_period=appendix_period,
        appendix=appendix_rows,
    )


# Beside each workshop question: the draft's number and what last quarter looked like.
QUESTION_FIGURES: dict[str, tuple[tuple[str, str], ...]] = {
    "workshop.mql_target": (("targets.mqls_per_marketer", "mqls_per_marketer"),),
    "workshop.handoff_rate": (("targets.quality_pct", "quality_pct"),),
    "workshop.rep_caps": (
        ("targets.min_mqls_per_rep", "min_mqls_per_rep"),
        ("targets.max_mqls_per_rep", "max_mqls_per_rep"),
    ),
    "workshop.sales_workflow": (("windows.disposition_hours", "disposition_in_window_pct"),),
    "workshop.rep_metrics": (("targets.opportunities_per_rep", "opportunities_per_rep"),),
    "workshop.mql_metrics": (("targets.conversion_rate_pct", "conversion_pct"),),
}
DRAFT_LABELS = {
    "targets.mqls_per_marketer": N_("draft: {value} MQLs per marketer per month"),
    "targets.quality_pct": N_("draft: {value} % MQL quality"),
    "targets.min_mqls_per_rep": N_("draft: {value} MQLs per rep per month at least"),
    "targets.max_mqls_per_rep": N_("draft: {value} MQLs per rep per month at most"),
    "windows.disposition_hours": N_("draft: {value} hours to disposition an MQL"),
    "targets.opportunities_per_rep": N_("draft: {value} opportunities per rep per month"),
    "targets.conversion_rate_pct": N_("draft: {value} % conversion"),
}


def figures_beside(section: str, content: AgreementContent, history: History | None) -> list[str]:
    """Lines such as "draft: 250 MQLs per marketer per month; last quarter (2026-Q2): 212 ..."."""
    lines: list[str] = []
    data = content.model_dump(mode="json")
    for path, key in QUESTION_FIGURES.get(section, ()):
        group, name = path.split(".")
        stored = data[group][name]  # a percentage is stored as text ("60.0")
        value = Figure(float(stored), 1) if isinstance(stored, str) else Figure(stored)
        line = Message.of(DRAFT_LABELS[path], value=value)
        past = history.sentence(key) if history else None
        if past:
            lines.append(Message.of(N_("{draft}; {past}"), draft=line, past=past))
        else:
            lines.append(Message.of(N_("{draft}; no history yet"), draft=line))
    return lines
