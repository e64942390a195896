"""The demo's words in one language: what its leads, people, teams and agreement are called.

The English demo is the one the tests pin; `persian` and `arabic` tell the same story (the
same tuple lengths, so the same seed draws the same figures) in a Persian or an Arabic
company's own words. A "Latin|native" entry gives the Latin spelling mailbox names are
made of and the name shown; usernames and e-mail addresses stay Latin (identifiers).
Default reasons and stage definitions come from the code, not from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sla_core.demo import profiles, story
from sla_core.i18n.languages import Language
from sla_core.org import OrgSettings
from sla_core.terms import MQLDefinition, default_mql_definition
from sla_core.terms.mql import CriterionField

Region = tuple[float, tuple[str, ...], tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True)
class Vocabulary:
    """Every word the demo writes as data, in one language."""

    language: Language
    sources: tuple[str, ...]
    campaigns: tuple[tuple[str, ...], ...]
    good_industries: tuple[str, ...]
    other_industries: tuple[str, ...]
    good_departments: tuple[str, ...]
    other_departments: tuple[str, ...]
    senior_titles: tuple[str, ...]
    other_titles: tuple[str, ...]
    title_words: tuple[str, ...]  # what the MQL criterion looks for in a senior title
    crms: tuple[str, ...]
    crm_words: tuple[str, ...]  # what the MQL criterion looks for in a tech stack
    tools: tuple[str, ...]
    company_roots: tuple[str, ...]
    # one per industry (good, then other), then one for a lead without an industry
    company_suffixes: tuple[str, ...]
    regions: tuple[Region, ...]
    native_share: float
    teams: tuple[str, str, str]  # enterprise sales, mid-market sales, marketing
    people: dict[str, str] = field(default_factory=dict)  # username -> name (else English)
    agreement_title: str | None = None  # None keeps the code's default title
    answers: dict[str, str] = field(default_factory=dict)
    marketing_commitments: str = ""
    sales_commitments: str = ""
    comments: tuple[str, str, str, str] = ("", "", "", "")
    company: str = ""
    parties: tuple[str, str] = ("", "")
    # how the company keeps time and money (None: leave the organisation's settings alone),
    # and deal values in its currency: the English demo's dollars times `deal_scale`
    org: OrgSettings | None = None
    deal_scale: float = 1.0
    # when leads arrive: not on the weekend (0 = Monday), in office hours of a zone this
    # many hours ahead of UTC (None: hours from the span's start, as the English demo does)
    weekend: tuple[int, ...] = (5, 6)
    utc_offset_hours: float | None = None

    def mql_definition(self) -> MQLDefinition:
        """The default MQL definition, its text criteria in this vocabulary's values."""
        default = default_mql_definition()
        if self.language is Language.ENGLISH:
            return default
        accepted = {
            CriterionField.INDUSTRY: self.good_industries,
            CriterionField.DEPARTMENT: self.good_departments,
            CriterionField.JOB_TITLE: self.title_words,
            CriterionField.TECHNOGRAPHICS: self.crm_words,
        }
        criteria = tuple(
            c.model_copy(update={"accepted": accepted[c.field]}) if c.field in accepted else c
            for c in default.criteria
        )
        return default.model_copy(update={"criteria": criteria})


def _english_suffixes() -> tuple[str, ...]:
    industries = profiles.GOOD_INDUSTRIES + profiles.OTHER_INDUSTRIES
    suffix = tuple(
        profiles.INDUSTRY_SUFFIX.get(name, ("Group", "Holding", "Co"))[k % 2]
        for k, name in enumerate(industries)
    )
    # a lead without an industry took the first other industry's suffix
    return suffix + (suffix[len(profiles.GOOD_INDUSTRIES)],)


ENGLISH = Vocabulary(
    language=Language.ENGLISH,
    sources=profiles.SOURCES,
    campaigns=profiles.CAMPAIGNS,
    good_industries=profiles.GOOD_INDUSTRIES,
    other_industries=profiles.OTHER_INDUSTRIES,
    good_departments=profiles.GOOD_DEPARTMENTS,
    other_departments=profiles.OTHER_DEPARTMENTS,
    senior_titles=profiles.SENIOR_TITLES,
    other_titles=profiles.OTHER_TITLES,
    title_words=("Head", "Director", "VP", "Chief", "Manager"),
    crms=profiles.CRMS,
    crm_words=("Salesforce", "HubSpot", "Dynamics", "Pipedrive"),
    tools=profiles.TOOLS,
    company_roots=profiles.COMPANY_ROOTS,
    company_suffixes=_english_suffixes(),
    regions=profiles.REGIONS,
    native_share=profiles.NATIVE_SHARE,
    teams=("Enterprise Sales", "Mid-Market Sales", "Growth Marketing"),
    answers=story.ANSWERS,
    marketing_commitments=story.MARKETING_COMMITMENTS,
    sales_commitments=story.SALES_COMMITMENTS,
    comments=tuple(c[2] for c in story.COMMENTS),  # type: ignore[arg-type]
    company=story.COMPANY,
    parties=story.PARTIES,
)

LANGUAGES = ("en", "fa", "ar")


def vocabulary(language: Language | str = Language.ENGLISH) -> Vocabulary:
    """The demo's words in `language` ("en", "fa" or "ar"); English for anything else."""
    chosen = Language(language) if language in LANGUAGES else Language.ENGLISH
    if chosen is Language.PERSIAN:
        from sla_core.demo.persian import PERSIAN

        return PERSIAN
    if chosen is Language.ARABIC:
        from sla_core.demo.arabic import ARABIC

        return ARABIC
    return ENGLISH
