"""A badge's stored reason reads back in the reader's words (`badges.stored_detail`)."""

from __future__ import annotations

from sla_core.gamification.badges import stored_detail
from sla_core.i18n.message import Message


def test_a_stored_reason_reads_back_as_its_sentence_in_the_readers_words() -> None:
    """A close stores a badge's reason as English text; shown again it is the same
    sentence, so a Persian or Arabic reader reads it in their words (and an unknown text
    stays as stored)."""
    found = stored_detail("4 deals won")
    assert isinstance(found, Message) and found == "4 deals won" and found.quantity == 4
    assert found.forms == ("{v} deal won", "{v} deals won")
    month = stored_detail("3 months in a row on target")
    assert isinstance(month, Message) and month.forms == (
        "{n} month in a row on target", "{n} months in a row on target",
    )  # fmt: skip
    assert isinstance(stored_detail("+12.5 points of percent-to-goal"), Message)
    assert stored_detail("a reason written by hand") == "a reason written by hand"
    assert not isinstance(stored_detail("a reason written by hand"), Message)
