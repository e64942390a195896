"""The agreement document's fixed words in the reader's language: English, Persian, Arabic.

The document (PDF and Markdown) is written in one language, chosen at export and kept in
the PDF's manifest. Its fixed texts (headings, labels, units, role and cadence names) are
English message ids marked with N_ and translated through the gettext catalogues; numbers
and dates take the language's digits and calendar. What people wrote stays as written.

English keeps exactly the wording and formats the document always had.

The agreement's default texts (its title, the two parties, the stage definitions) exist
in all three languages: `default_text(key, language)`. A stored text that is one of those
defaults, in any language, is shown in the reader's language (`shown_text`); a text a
team wrote itself stays as written.
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

# The agreement's default texts, as `terms.AgreementContent` stores them (in English).
DEFAULT_TEXTS = {
    "title": N_("Sales & Marketing Service Level Agreement"),
    "party.sales": N_("Sales team"),
    "party.marketing": N_("Marketing team"),
}
STAGE_KEY = "stage."  # "stage.mql": a stage's definition (the glossary's, per language)

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


def default_text(key: str, language: Language) -> str:
    """The agreement's default text `key` in `language`.

    Keys: "title", "party.sales", "party.marketing", and "stage.<stage>" (the stage's
    definition as the glossary writes it, e.g. "stage.mql").
    """
    if key.startswith(STAGE_KEY):
        stage = Stage(key.removeprefix(STAGE_KEY))
        return glossary.STAGES[stage].definitions[language]
    return catalogue.translate(DEFAULT_TEXTS[key], language)


def shown_text(stored: str, key: str, language: Language) -> str:
    """What a reader in `language` sees of the stored text `key`: a default text (in any
    of the languages) is shown as `language`'s default; what a team wrote stays as written."""
    return default_text(key, language) if is_default(stored, key) else stored


def is_default(stored: str, key: str) -> bool:
    """Whether `stored` is the default text `key` in one of the languages."""
    return any(stored.strip() == default_text(key, other) for other in Language)


def shown_party(name: str, language: Language) -> str:
    """A party's name for a reader in `language` ("Sales team": fa "تیم فروش")."""
    for key in ("party.sales", "party.marketing"):
        if is_default(name, key):
            return default_text(key, language)
    return name


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
        return self.t(N_("{names} and {last}"), names=self.listing(items[:-1]), last=items[-1])

    @property
    def comma(self) -> str:
        """The list separator: ", ", in Persian and Arabic "، "."""
        return ", " if self.english else "، "

    def listing(self, items: list[str] | tuple[str, ...]) -> str:
        """Items separated by this language's comma: "A, B", fa "A، B"."""
        return self.comma.join(items)

    def title(self, stored: str) -> str:
        """The agreement's title: the default in this language, else as the team wrote it."""
        return shown_text(stored, "title", self.language)

    def parties(self, stored: list[str] | tuple[str, ...]) -> tuple[str, ...]:
        """The parties: the default names in this language, the others as written."""
        return tuple(shown_party(name, self.language) for name in stored)

    def definition(self, stage: Stage, stored: str) -> str:
        """A stage's definition: the glossary's in this language when `stored` is a default."""
        return shown_text(stored, STAGE_KEY + stage.value, self.language)
