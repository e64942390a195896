"""Review reminders: as the agreement's review date nears, its owners are reminded.

The owners are the roles that sign it (`required_signers`). Pure functions: the sales
side's reminder channel (when it exists) or a scheduled job turns these into messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sla_core.terms import AgreementContent, ReviewCadence

NOTICE_DAYS = 14
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
        if self.days_left < 0:
            return f"The SLA review was due on {self.due_on:%Y-%m-%d}, {-self.days_left} days ago."
        if self.days_left == 0:
            return "The SLA review is due today."
        return f"The SLA review is due on {self.due_on:%Y-%m-%d}, in {self.days_left} days."


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
