"""Sentences sla_core composes for people to read, translatable where they are shown.

A `Message` is the English sentence itself (a `str`, so code and tests that compare or
print it are unchanged) that also remembers its template and values; `ui.i18n._` given a
Message translates the template and fills in the values:

    Message.of(N_("No leads reached anyone in {period}."), period=period.label)
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """An English sentence built from a translatable template and named values."""

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any]) -> Message:
        made = super().__new__(cls, template.format(**values))
        made.template = template
        made.values = dict(values)
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.values))

    @classmethod
    def of(cls, template: str, **values: Any) -> Message:
        """The sentence `template` (marked with N_ where it is written) filled with `values`."""
        return cls(template, values)
