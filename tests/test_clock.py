"""LeadPact's one clock: tests and test servers set it; time then runs on from there."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from sla_core import clock, periods

TEHRAN = timezone(timedelta(hours=3, minutes=30))


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2026-12-01T00:30:00+03:30", datetime(2026, 11, 30, 21, 0, tzinfo=UTC)),
        ("2026-12-01T00:30:00Z", datetime(2026, 12, 1, 0, 30, tzinfo=UTC)),
        ("2026-12-01 00:30", datetime(2026, 12, 1, 0, 30, tzinfo=UTC)),  # no zone: UTC
    ],
)
def test_an_instant_is_read_in_its_own_zone_or_utc(text: str, instant: datetime) -> None:
    assert clock.parse_instant(text) == instant


def test_a_set_clock_reads_the_instant_and_runs_on(clock_at: Callable[[datetime], None]) -> None:
    instant = datetime(2027, 3, 21, 0, 30, tzinfo=TEHRAN)  # 1 Farvardin 1406, Tehran
    clock_at(instant)
    first = clock.now()
    assert timedelta(0) <= first - instant < timedelta(seconds=1)
    assert first.tzinfo is not None
    assert clock.now() >= first


def test_the_clock_comes_back_after_a_test_that_set_it() -> None:
    # runs after the test above (file order): the fixture restored the run's own clock
    expected = os.environ.get(clock.CLOCK_ENV)
    if expected:
        pytest.skip("this run sets LEADPACT_CLOCK for every test")
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)


def test_a_process_started_with_leadpact_clock_lives_at_that_instant() -> None:
    code = "from sla_core.clock import now; print(now().isoformat())"
    env = {**os.environ, clock.CLOCK_ENV: "2026-03-20T23:59:30Z"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    seen = datetime.fromisoformat(out.strip())
    assert (
        timedelta(0) <= seen - datetime(2026, 3, 20, 23, 59, 30, tzinfo=UTC) < timedelta(seconds=5)
    )


def test_the_period_in_view_follows_the_set_clock(clock_at: Callable[[datetime], None]) -> None:
    clock_at(datetime(2026, 12, 1, 0, 30, tzinfo=TEHRAN))  # still 30 November in UTC
    instant = clock.now()
    period = periods.month_containing(instant, zone="Asia/Tehran")
    assert instant.month == 11
    assert period.label == "2026-12"
    jalali = periods.month_containing(instant, zone="Asia/Tehran", calendar=periods.Calendar.JALALI)
    assert jalali.label == "1405-09"  # 10 Azar 1405
