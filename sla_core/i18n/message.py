"""Sentences sla_core composes for people to read, translatable where they are shown.

A `Message` is the English sentence itself (a `str`, so code and tests that compare or
print it are unchanged) that also remembers its template and values; `ui.i18n._` given a
Message translates the template and fills in the values:

    Message.of(N_("No leads reached anyone in {period}."), period=period.label)

A sentence about a number of things has a singular and a plural form (Arabic has six):

    Message.counted(N_n("in {n} day", "in {n} days"), n, n=n)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sla_core.i18n import catalogue
from sla_core.i18n.languages import Language


class Message(str):
    """An English sentence built from a translatable template and named values."""

    template: str
    values: dict[str, Any]
    forms: tuple[str, str] | None  # singular and plural ids of a counted sentence
    quantity: int | None  # how many things a counted sentence is about

    def __new__(
        cls,
        template: str,
        values: dict[str, Any],
        forms: tuple[str, str] | None = None,
        count: int | None = None,
    ) -> Message:
        made = super().__new__(cls, template.format(**values))
        made.template = template
        made.values = dict(values)
        made.forms = forms
        made.quantity = count
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Message, (self.template, self.values, self.forms, self.quantity))

    def pattern(self, language: Language) -> str:
        """The template in `language`, in the plural form its count takes there; unfilled."""
        if self.forms is not None and self.quantity is not None:
            return catalogue.translate_plural(*self.forms, self.quantity, language)
        return catalogue.translate(self.template, language)

    @classmethod
    def of(cls, template: str, **values: Any) -> Message:
        """The sentence `template` (marked with N_ where it is written) filled with `values`."""
        return cls(template, values)

    @classmethod
    def counted(cls, forms: tuple[str, str], count: int, **values: Any) -> Message:
        """A sentence about `count` things: `forms` are its singular and plural (marked with
        N_n where they are written); the English text takes the form that fits `count`."""
        singular, plural = forms
        return cls(singular if count == 1 else plural, values, forms, count)


class Figure(str):
    """A number a Message shows: the English text now ("1,234", "6.92"); `ui.i18n._` writes
    it in the reader's digits and separators ("۱٬۲۳۴", "۶٫۹۲")."""

    value: float
    decimals: int

    def __new__(
        cls, value: float | int | Decimal, decimals: int = 0, english: str | None = None
    ) -> Figure:
        """`english`: the English text when it is not `value` grouped with `decimals` places."""
        made = super().__new__(cls, english if english is not None else f"{value:,.{decimals}f}")
        made.value = float(value)
        made.decimals = decimals
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (Figure, (self.value, self.decimals, str(self)))


class PeriodText(str):
    """A reporting period a Message names: its label now ("2026-Q3"); `ui.i18n._` names it
    in the reader's language and calendar ("Q3 2026", fa "فصل ۳ ۱۴۰۵")."""

    period: Any  # a sla_core.periods.Period (not imported: periods imports sla_core.i18n)

    def __new__(cls, period: Any) -> PeriodText:
        made = super().__new__(cls, period.label)
        made.period = period
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return (PeriodText, (self.period,))
