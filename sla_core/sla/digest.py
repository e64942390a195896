"""The reminder e-mail: one digest per person, in that person's language.

Overdue leads first, then the others by deadline; the agreement's review notices and
notices of voided signatures above them. Lead data (names, companies) stays as stored; everything LeadPact writes is
translated, and its numbers, dates and times take the language's own digits.
"""

from __future__ import annotations

from decimal import Decimal
from email.message import EmailMessage

from sqlmodel import Session

from sla_core.agreement.resign import RESIGN
from sla_core.agreement.resign import notice_text as resign_text
from sla_core.agreement.wording import Wording
from sla_core.i18n.languages import N_, parse_language
from sla_core.i18n.message import Message
from sla_core.models import Lead, Reminder, User
from sla_core.sla.reminders import BREACH
from sla_core.sla.review_notices import REVIEW, notice_text

WHAT = {"disposition": N_("disposition"), "work": N_("first touch")}


def _sentence(write: Wording, sentence: str) -> str:
    """A sentence sla_core composed (a `Message`: its values are all LeadPact's own)."""
    if isinstance(sentence, Message):
        values = {k: write.digits(str(v)) for k, v in sentence.values.items()}
        return sentence.pattern(write.language).format(**values)
    return write.t(sentence)


def reminder_text(reminder: Reminder, lead: Lead | None, person: User) -> str:
    """One reminder as the in-app list shows it, in `person`'s language."""
    return _line(Wording(parse_language(person.language)), reminder, lead)[2:]


def _review(write: Wording, notice: str) -> str:
    """A review notice, its day in the reader's calendar ("2026-12-02", fa "۱۱ آذر ۱۴۰۵")."""
    if isinstance(notice, Message) and "day" in notice.values:
        values = {**notice.values, "day": write.day(str(notice.values["day"]))}
        return _sentence(write, Message(notice.template, values))
    return _sentence(write, notice)


def _line(write: Wording, reminder: Reminder, lead: Lead | None) -> str:
    if reminder.clock == REVIEW:
        return "- " + _review(write, notice_text(reminder))
    if reminder.clock == RESIGN:
        return "- " + _sentence(write, resign_text(reminder))
    who = " ".join(p for p in (lead.first_name, lead.last_name) if p) if lead else ""
    company = f" ({lead.company})" if lead and lead.company else ""
    values = {
        "lead": f"#{write.digits(str(reminder.lead_id))} {who}{company}".rstrip(),
        "what": write.t(WHAT.get(reminder.clock, reminder.clock)),
        "when": write.instant(reminder.deadline),  # fa: Jalali date, Persian digits
    }
    if reminder.step == BREACH:
        return "- " + write.t(N_("OVERDUE: lead {lead}: {what} was due {when}"), **values)
    share = reminder.step.removeprefix("rep_")
    return "- " + write.t(
        N_("lead {lead}: {what} due {when} ({share} % of the window gone)"),
        share=write.n(Decimal(share)),  # a step of 62.5 % reads "۶۲٫۵" in Persian
        **values,
    )


def _subject(write: Wording, leads: int, late: int, notices: bool, voided: bool = False) -> str:
    parts = []
    if leads:
        parts.append(write._n("{count} lead needs you", "{count} leads need you", leads))
        if late:
            parts[-1] += write.t(N_(", {late} overdue"), late=write.digits(str(late)))
    if notices:
        parts.append(write.t(N_("the SLA review is near")))
    if voided:
        parts.append(write.t(N_("the SLA changed after you signed it")))
    return "LeadPact: " + "; ".join(parts)


def digest(person: User, reminders: list[Reminder], session: Session) -> EmailMessage:
    """One e-mail listing every reminder of one person, overdue first, in their language."""
    write = Wording(parse_language(person.language))
    notices = [r for r in reminders if r.clock == REVIEW]
    voided = [r for r in reminders if r.clock == RESIGN]
    about_leads = [r for r in reminders if r.clock not in (REVIEW, RESIGN)]
    ordered = sorted(about_leads, key=lambda r: (r.step != BREACH, r.deadline))
    late = sum(r.step == BREACH for r in about_leads)
    message = EmailMessage()
    message["To"] = person.email or ""
    message["Subject"] = _subject(write, len(about_leads), late, bool(notices), bool(voided))
    body = [write.t(N_("Hello {name},"), name=person.name), ""]
    if voided:
        body += [_line(write, r, None) for r in voided] + [""]
    if notices:
        body += [write.t(N_("The service level agreement is up for review:")), ""]
        body += [_line(write, r, None) for r in notices]
        body += ["", write.t(N_("Open the SLA workshop in LeadPact to prepare the review.")), ""]
    if about_leads:
        body += [write.t(N_("These leads wait for you under the SLA:")), ""]
        body += [_line(write, r, session.get(Lead, r.lead_id)) for r in ordered]
        body += ["", write.t(N_("Open your work queue in LeadPact to act on them."))]
    message.set_content("\n".join(body))
    return message
