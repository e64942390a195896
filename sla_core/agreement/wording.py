"""The agreement document's fixed words in the reader's language: English, Persian, Arabic.

The document (PDF and Markdown) is written in one language, chosen at export and kept in
the PDF's manifest. Its fixed texts (headings, labels, units, role and cadence names) are
English message ids marked with N_ and translated through the gettext catalogues; numbers
and dates take the language's digits and calendar. What people wrote stays as written.

English keeps exactly the wording and formats the document always had.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sla_core.i18n import catalogue, dates, glossary, numbers
from sla_core.i18n.languages import N_, Language
from sla_core.models import Role
from sla_core.models.people import ROLE_NAMES as ROLE_NAMES  # re-exported: one map of roles
from sla_core.periods import Calendar
from sla_core.stages import STAGE_LABELS, Stage
from sla_core.terms import CriterionField, Enforcement, ReviewCadence

ENFORCEMENT_TEXT = {
    Enforcement.CARROT: N_(
        "Carrot: meeting and beating service levels earns points and recognition."
    ),
    Enforcement.STICK: N_("Stick: missed service levels cost points and are escalated."),
    Enforcement.BOTH: N_(
        "Carrot and stick: service levels met earn points, missed ones cost points."
    ),
}
CADENCE_NAMES = {
    ReviewCadence.MONTHLY: N_("monthly"),
    ReviewCadence.QUARTERLY: N_("quarterly"),
    ReviewCadence.HALF_YEARLY: N_("half-yearly"),
    ReviewCadence.YEARLY: N_("yearly"),
}
CRITERION_NAMES = {
    CriterionField.INDUSTRY: N_("Industry"),
    CriterionField.COMPANY_SIZE: N_("Company size"),
    CriterionField.DEPARTMENT: N_("Department"),
    CriterionField.JOB_TITLE: N_("Job title"),
    CriterionField.TECHNOGRAPHICS: N_("Technographics"),
    CriterionField.ENGAGEMENT: N_("Engagement"),
}


@dataclass(frozen=True)
class Wording:
    """Translates the document's fixed texts and formats its numbers and dates."""

    language: Language = Language.ENGLISH

    @property
    def english(self) -> bool:
        return self.language is Language.ENGLISH

    @property
    def calendar(self) -> Calendar:
        """Jalali for Persian readers, Gregorian otherwise (`dates.display_calendar`)."""
        return dates.display_calendar(self.language, Calendar.GREGORIAN)

    def t(self, message: str, **values: Any) -> str:
        """`message` (an N_-marked English id) in this language, `values` filled in."""
        text = catalogue.translate(message, self.language)
        return text.format(**values) if values else text

    def _n(self, singular: str, plural: str, count: int) -> str:
        """ "{count} hour(s)" in the form `count` takes (Arabic has six), the number local.

        (Named like the extraction keyword, so babel finds the message ids here.)
        """
        form = catalogue.translate_plural(singular, plural, count, self.language)
        return form.format(count=self.n(count))

    def n(self, value: int | Decimal | float) -> str:
        """A number as written in this language ("7.0", fa "۷٫۰")."""
        text = str(value)
        if self.english:
            return text
        return numbers.local_digits(text.replace(".", "٫"), self.language)

    def pct(self, value: int | Decimal | float) -> str:
        """A percentage already scaled to 0-100: "7.0 %", fa "۷٫۰٪"."""
        return self.n(value) + numbers.PERCENT_SIGN[self.language]

    def digits(self, text: str) -> str:
        return numbers.local_digits(text, self.language)

    def stage(self, stage: Stage) -> str:
        return STAGE_LABELS[stage] if self.english else glossary.stage_name(stage, self.language)

    def role(self, role: str) -> str:
        """A role's name: "sales manager" in English (as always), translated otherwise."""
        if self.english or role not in ROLE_NAMES:
            return role.replace("_", " ")
        return self.t(ROLE_NAMES[Role(role)])

    def cadence(self, cadence: ReviewCadence) -> str:
        return self.t(CADENCE_NAMES[cadence])

    def criterion(self, name: CriterionField) -> str:
        return self.t(CRITERION_NAMES[name])

    def enforcement(self, enforcement: Enforcement) -> str:
        return self.t(ENFORCEMENT_TEXT[enforcement])

    def day(self, iso: str) -> str:
        """An ISO date: as stored in English, else in this language's calendar and digits."""
        if self.english:
            return iso
        return dates.format_date(date.fromisoformat(iso), self.language, self.calendar)

    def instant(self, at: datetime) -> str:
        """A UTC instant: "2026-11-22 12:00 UTC", fa "۱ آذر ۱۴۰۵ ۱۲:۰۰ UTC"."""
        if self.english:
            return at.strftime("%Y-%m-%d %H:%M UTC")
        shown = dates.format_instant(at, self.language, zone="UTC", calendar=self.calendar)
        return self.t(N_("{when} UTC"), when=shown)

    def join(self, items: list[str] | tuple[str, ...]) -> str:
        """Names joined: "A and B", fa "A و B" (each name as written)."""
        if self.english or len(items) < 2:
            return " and ".join(items)
        return self.t(N_("{names} and {last}"), names="، ".join(items[:-1]), last=items[-1])
