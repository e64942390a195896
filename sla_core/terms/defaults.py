"""The agreement's default texts (title, stage definitions, team names) in every language.

What a team writes stays as written. The defaults are different: they are the app's words,
so they exist in English, Persian and Arabic, and

- a new agreement drafted for a Persian or Arabic reader starts with that language's
  defaults (`default_content`);
- a text still stored as one of the defaults (an agreement drafted before the translations,
  or in another language) is shown in the reader's language (`shown_title`,
  `shown_stage_definitions`, `shown_parties`); the stored text, and so the signed hash, does
  not change. Saving a default unchanged keeps what is stored (`kept_stage_definitions`).
"""

from __future__ import annotations

from sla_core.i18n import glossary
from sla_core.i18n.languages import Language
from sla_core.stages import Stage
from sla_core.terms import AgreementContent

TITLES: dict[Language, str] = {
    Language.ENGLISH: "Sales & Marketing Service Level Agreement",
    Language.PERSIAN: "توافق‌نامه سطح خدمات فروش و بازاریابی",
    Language.ARABIC: "اتفاقية مستوى الخدمة بين المبيعات والتسويق",
}
PARTIES: dict[Language, tuple[str, str]] = {
    Language.ENGLISH: ("Sales team", "Marketing team"),
    Language.PERSIAN: ("تیم فروش", "تیم بازاریابی"),
    Language.ARABIC: ("فريق المبيعات", "فريق التسويق"),
}


def default_content(language: Language) -> AgreementContent:
    """A new agreement's content, its default texts in `language`."""
    return AgreementContent(
        title=TITLES[language],
        stage_definitions=glossary.stage_definitions(language),
        parties=PARTIES[language],
    )


def shown_title(title: str, language: Language) -> str:
    """The title a reader of `language` sees: a default title in their language, else as written."""
    return TITLES[language] if title in TITLES.values() else title


def shown_parties(parties: tuple[str, ...], language: Language) -> tuple[str, ...]:
    """The two teams as a reader of `language` sees them: the default names in their
    language, names the team wrote as written."""
    return PARTIES[language] if tuple(parties) in PARTIES.values() else tuple(parties)


def _defaults_of(stage: str) -> set[str]:
    term = glossary.STAGES[Stage(stage)]
    return set(term.definitions.values())


def shown_stage_definitions(stored: dict[str, str], language: Language) -> dict[str, str]:
    """Each stage's definition for a reader of `language`: a default one in their language,
    one the team wrote as written."""
    mine = glossary.stage_definitions(language)
    return {
        stage: mine[stage] if text in _defaults_of(stage) else text
        for stage, text in stored.items()
    }


def kept_stage_definitions(
    stored: dict[str, str], shown: dict[str, str], typed: dict[str, str]
) -> dict[str, str]:
    """What to save from the stage editor: a definition left as it was `shown` keeps the text
    `stored` (a default shown translated is not a change); one edited is saved as typed."""
    return {
        stage: stored[stage] if typed.get(stage) == shown.get(stage) else text
        for stage, text in typed.items()
    }
