"""Persian and Arabic exports: Jalali dates, Persian/Arabic-Indic digits, UTF-8 and
Windows-1256 files, end to end into the lead table."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from sla_core.access import system_actor
from sla_core.db import session_scope
from sla_core.importing import ImportOptions
from sla_core.importing.run import run_import
from sla_core.importing.values import parse_dates
from sla_core.models import Role, User
from sla_core.people import users
from sla_core.store.snapshot import read_leads


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("۲۰۲۴-۰۳-۱۲", "2024-03-12 00:00"),  # Gregorian, Persian digits
        ("١٥/٠٣/٢٠٢٤", "2024-03-15 00:00"),  # day first, Arabic-Indic digits
        ("1403/01/01", "2024-03-20 00:00"),  # Nowruz 1403
        ("۱۴۰۳/۰۱/۱۵ ۱۰:۳۰", "2024-04-03 10:30"),  # Jalali, Persian digits, with a time
        ("1403-2-31", "2024-05-20 00:00"),  # 31 Ordibehesht: no Gregorian Feb 31 mix-up
        ("1403/12/30", "2025-03-20 00:00"),  # Esfand 30 of a leap year
        ("1398/02/08", "2019-04-28 00:00"),  # the Persian article's date
    ],
)
def test_persian_and_arabic_dates_are_read(text: str, expected: str) -> None:
    parsed = parse_dates(pd.Series([text], dtype="str")).iloc[0]
    assert parsed.strftime("%Y-%m-%d %H:%M") == expected


def test_a_day_the_jalali_calendar_does_not_have_is_unreadable() -> None:
    assert pd.isna(parse_dates(pd.Series(["1404/12/30"], dtype="str")).iloc[0])


def test_jalali_dates_are_local_to_the_files_time_zone() -> None:
    parsed = parse_dates(pd.Series(["1403/01/15 10:30"], dtype="str"), timezone="Asia/Tehran")
    assert parsed.iloc[0].strftime("%Y-%m-%d %H:%M") == "2024-04-03 07:00"


PERSIAN_CSV = (
    "Email,First Name,Last Name,Company Name,Create Date,Number of Employees\n"
    "sara@example.ir,سارا,احمدی,شرکت نوآوران پارس,۱۴۰۳/۰۱/۱۵,۲۵۰\n"
    'ali@example.ir,علی,کریمی,گروه صنعتی مینا,1403/02/31,"۱٬۲۰۰"\n'
)


def _marketer(engine: Engine) -> User:
    with session_scope(engine) as session:
        user = users.create_user(
            actor=system_actor(), session=session, username="mo", name="Mo", role=Role.MARKETER
        )
        session.flush()
        session.expunge(user)
    return user


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1256"])
def test_a_persian_export_imports_with_jalali_dates_and_persian_digits(
    engine: Engine, encoding: str
) -> None:
    text = PERSIAN_CSV
    if encoding == "cp1256":  # no Persian yeh or Persian digits in Windows-1256: Excel writes these
        text = text.replace("ی", "ي").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹٬", "0123456789,"))
    data = text.encode(encoding)
    result = run_import(
        engine=engine, data=data, filename="contacts.csv", actor=_marketer(engine),
        options=ImportOptions(),
    )  # fmt: skip
    assert (result.new, result.rejected) == (2, 0)
    leads = read_leads(engine).sort_values("email").reset_index(drop=True)
    assert leads["company"].tolist() == [
        text.splitlines()[2].split(",")[3],
        text.splitlines()[1].split(",")[3],
    ]
    assert leads["company_size"].tolist() == [1200, 250]
    assert leads["created_at"].dt.strftime("%Y-%m-%d").tolist() == ["2024-05-20", "2024-04-03"]
