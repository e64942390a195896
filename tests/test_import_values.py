"""Cell values: numbers, company sizes and dates as real types, all times in UTC."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sla_core.importing.values import (
    AmbiguousDates,
    parse_company_size,
    parse_dates,
    parse_numbers,
    read_dates,
)


def _one(parse, text, **kwargs):
    return parse(pd.Series([text], dtype="str"), **kwargs).iloc[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("1.234.567,5", 1234567.5),
        ("12,5", 12.5),
        ("$ 2,500", 2500.0),
        ("۱۲۳۴", 1234.0),
        ("٣٫٥", 3.5),
        ("۱٬۲۰۰", 1200.0),
        ("-42", -42.0),
    ],
)
def test_numbers_read_separators_and_persian_arabic_digits(text: str, expected: float) -> None:
    assert _one(parse_numbers, text) == expected


@pytest.mark.parametrize("text", ["abc", "12abc", "1,2,3,4"])
def test_unreadable_numbers_are_missing(text: str) -> None:
    assert math.isnan(_one(parse_numbers, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250", 250),
        ("51-200", 51),
        ("1,001-5,000", 1001),
        ("10000+", 10000),
        ("۵۰ - ۱۰۰", 50),
        ("11 to 50", 11),
        ("10k+", 10000),
        ("1k-5k", 1000),
        ("2.5K", 2500),
        ("self-employed", 1),
        ("Self Employed", 1),
    ],
)
def test_company_size_ranges_count_as_their_lower_bound(text: str, expected: int) -> None:
    assert _one(parse_company_size, text) == expected


def test_company_size_that_is_not_a_size_is_missing() -> None:
    assert pd.isna(_one(parse_company_size, "big"))


UTC = "UTC"


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2024-03-12", None, "2024-03-12 00:00"),
        ("2024-03-12 09:14", None, "2024-03-12 09:14"),
        ("2024-03-12T09:14:00+03:30", None, "2024-03-12 05:44"),
        ("2024-03-12T09:14:00Z", None, "2024-03-12 09:14"),
        ("3/15/2024 2:30 PM", None, "2024-03-15 14:30"),
        ("15/03/2024", None, "2024-03-15 00:00"),
        ("15.03.2024 08:00", None, "2024-03-15 08:00"),
        ("03/04/2024", "dmy", "2024-04-03 00:00"),
        ("03/04/2024", "mdy", "2024-03-04 00:00"),
        ("45366", None, "2024-03-15 00:00"),
        ("45366.5", None, "2024-03-15 12:00"),
        ("۲۰۲۴-۰۳-۱۲", None, "2024-03-12 00:00"),
        ("12 Mar 2024", None, "2024-03-12 00:00"),
    ],
)
def test_dates_in_common_forms_become_utc(text: str, order: str | None, expected: str) -> None:
    value = _one(parse_dates, text, date_order=order)
    assert value == pd.Timestamp(expected, tz=UTC)


def test_naive_times_are_read_in_the_given_zone() -> None:
    value = _one(parse_dates, "2024-03-12 09:00", timezone="Asia/Tehran")
    assert value == pd.Timestamp("2024-03-12 05:30", tz=UTC)


def test_ambiguous_day_month_dates_ask_for_the_order() -> None:
    with pytest.raises(AmbiguousDates, match="03/04/2024.*Create Date|Create Date.*03/04/2024"):
        parse_dates(pd.Series(["03/04/2024", "05/06/2024"], dtype="str"), column="Create Date")


def test_one_unambiguous_date_decides_the_column_order() -> None:
    values = parse_dates(pd.Series(["03/04/2024", "25/06/2024"], dtype="str"))
    assert values.iloc[0] == pd.Timestamp("2024-04-03", tz=UTC)


def test_unreadable_date_is_missing() -> None:
    assert pd.isna(_one(parse_dates, "next tuesday"))


def test_dates_column_type_is_microseconds_utc() -> None:
    assert str(parse_dates(pd.Series(["2024-03-12"], dtype="str")).dtype) == "datetime64[us, UTC]"


def test_one_ambiguous_date_among_certain_ones_is_left_unread_not_the_file() -> None:
    values = pd.Series(["2024-05-01", "03/04/2024", "2024-06-02"], dtype="str")
    parsed, unsure = read_dates(values)
    assert unsure.tolist() == [False, True, False]
    assert parsed.iloc[0] == pd.Timestamp("2024-05-01", tz=UTC) and pd.isna(parsed.iloc[1])


def test_the_order_the_column_proves_reads_its_ambiguous_dates() -> None:
    values = pd.Series(["2024-05-01", "03/04/2024", "12/31/2024"], dtype="str")
    parsed, unsure = read_dates(values)
    assert not unsure.any()
    assert parsed.iloc[1] == pd.Timestamp("2024-03-04", tz=UTC)  # 12/31 proves month-first


def test_a_column_proving_both_orders_leaves_only_the_unsure_rows() -> None:
    values = pd.Series(["25/06/2024", "12/31/2024", "03/04/2024"], dtype="str")
    parsed, unsure = read_dates(values)
    assert unsure.tolist() == [False, False, True]
    assert parsed.iloc[0] == pd.Timestamp("2024-06-25", tz=UTC)
    assert parsed.iloc[1] == pd.Timestamp("2024-12-31", tz=UTC)
