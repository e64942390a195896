"""Issue 20: what the Import page says about a file reads in the reader's words and digits.

The page shows sla_core's descriptions of the file (what was read, which mapping fits and
why, what is missing) and the mapping's field names; each is a Message or an N_-marked
label, so a Persian or Arabic reader gets them in their language.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from sla_core.importing.editing import FIELD_LABELS, field_label
from sla_core.importing.mapping import FIELDS
from sla_core.importing.preview import describe, describe_parts
from sla_core.importing.proposal import MappingChoice
from sla_core.importing.reading import read_table
from sla_core.importing.validation import missing_key
from tests.i18n_audit import Shown, offences


@pytest.fixture
def reader() -> Iterator[Callable[[str], None]]:
    from ui.i18n import use_language

    yield use_language
    use_language("en")


TABLE = b"Title line\nEmail;Name\na@x.io;Ana\nb@x.io;Bo;extra\n"


@pytest.mark.parametrize("language", ["fa", "ar"])
def test_what_was_read_reads_in_the_readers_words(
    reader: Callable[[str], None], language: str
) -> None:
    from ui.i18n import _

    table = read_table(TABLE, "a.csv")
    reader(language)
    said = [
        *(_(part) for part in describe_parts(table)),
        _(MappingChoice("layout", "generic").label),
        _(MappingChoice("saved", "فایل ماهانه").label),
        _(missing_key({}, ["نام"]) or ""),
        *(_(field_label(name)) for name in FIELDS),
    ]
    # the delimiter and encoding are shown as they are (code: quoted, Latin by nature)
    found = [
        o
        for o in offences([Shown("caption", text) for text in said])
        if "utf" not in o.text and "';'" not in o.text
    ]
    assert found == []


def test_english_descriptions_are_unchanged() -> None:
    table = read_table(TABLE, "a.csv")
    assert describe(table) == (
        "1 rows · 1 malformed rows set aside · header on line 2 · encoding utf-8 · delimiter ';'"
    )
    assert MappingChoice("layout", "hubspot").label == "HubSpot contacts (layout)"
    assert MappingChoice("saved", "monthly").label == "monthly (saved mapping)"
    assert set(FIELD_LABELS) == set(FIELDS)  # every field has a translatable name
