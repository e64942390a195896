"""Review reminders: as the agreement's review date nears, its owners are reminded.

The owners are the roles that sign it (`required_signers`). Pure functions; the remind
run (`sla_core.sla.review_notices`) turns them into reminder rows, e-mailed and shown
in the app once per person, review day and notice step (`notice_step`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sla_core.i18n.languages import N_
from sla_core.i18n.message import Message
from sla_core.terms import AgreementContent, ReviewCadence

NOTICE_DAYS = 14
# The notices a person gets, latest first: due (the day itself, or overdue), 3 days
# before, 14 days before. A run records only the latest step reached, so a first run
# 2 days before sends the 3-day notice alone, not a stale 14-day one too.
NOTICE_STEPS: tuple[tuple[str, int], ...] = (("due", 0), ("notice_3", 3), ("notice_14", 14))
CADENCE_MONTHS = {
    ReviewCadence.MONTHLY: 1,
    ReviewCadence.QUARTERLY: 3,
    ReviewCadence.HALF_YEARLY: 6,
    ReviewCadence.YEARLY: 12,
}


@dataclass(frozen=True)
class ReviewReminder:
    role: str
    due_on: date
    days_left: int  # negative: overdue

    @property
    def text(self) -> str:
        """The reminder as a sentence (a `Message`: pages show it in the reader's language)."""
        return review_text(self.due_on, self.days_left)


def review_text(due_on: date, days_left: int) -> str:
    """ "The SLA review is due on 2026-06-30, in 10 days." (overdue and today read so)."""
    day = f"{due_on:%Y-%m-%d}"
    if days_left < 0:
        return Message.of(
            N_("The SLA review was due on {day}, {days} days ago."), day=day, days=-days_left
        )
    if days_left == 0:
        return Message.of(N_("The SLA review is due today."))
    return Message.of(
        N_("The SLA review is due on {day}, in {days} days."), day=day, days=days_left
    )


def notice_step(days_left: int) -> str | None:
    """The latest notice step reached `days_left` days before the review (None: too early)."""
    return next((step for step, days in NOTICE_STEPS if days_left <= days), None)


def reviews_due(
    content: AgreementContent, today: date, *, notice_days: int = NOTICE_DAYS
) -> list[ReviewReminder]:
    """One reminder per owner role when the review is at most `notice_days` away or overdue.

    No review date set, or one further away: no reminders.
    """
    if not content.review.next_review:
        return []
    due_on = date.fromisoformat(content.review.next_review)
    days_left = (due_on - today).days
    if days_left > notice_days:
        return []
    return [ReviewReminder(role, due_on, days_left) for role in content.required_signers]


def next_review_after(day: date, cadence: ReviewCadence) -> date:
    """The review date one cadence after `day` (the end of a short month clamps)."""
    months = day.month - 1 + CADENCE_MONTHS[cadence]
    year, month = day.year + months // 12, months % 12 + 1
    for clamp in (day.day, 30, 29, 28):
        try:
            return date(year, month, clamp)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def reminder_for(content: AgreementContent, today: date, role: str) -> ReviewReminder | None:
    """The reminder for someone holding `role`, if the review concerns them and is near."""
    return next((r for r in reviews_due(content, today) if r.role == role), None)
