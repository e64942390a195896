"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when
LEADPACT_TEST_DATABASE_URL is set (each test session gets its own schema)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from sla_core import clock, db

PG_URL = os.environ.get("LEADPACT_TEST_DATABASE_URL")
CHROMIUM = Path("/usr/bin/chromium")


def pytest_sessionstart(session: pytest.Session) -> None:
    """CI sets LEADPACT_REQUIRE_BROWSER: there, a missing browser fails instead of skipping."""
    if os.environ.get("LEADPACT_REQUIRE_BROWSER") and not CHROMIUM.exists():
        pytest.exit(
            "LEADPACT_REQUIRE_BROWSER is set but /usr/bin/chromium is missing", returncode=3
        )


def pytest_configure(config: pytest.Config) -> None:
    """AppTest runs like a server that has served app.py once: pages run inside its frame.

    AppTest resets Streamlit's "old-style pages/ folder" flag before every run, so each
    page would first run on its own, `ui.navigation.framed` would rerun it through app.py
    and the click that started the run would be lost. A real server sets the flag once, on
    its first request (the deep-link browser test covers that path).
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test

    class FramedPagesManager(PagesManager):
        pass

    PagesManager.uses_pages_directory = False
    app_test.PagesManager = FramedPagesManager  # type: ignore[misc]


# The public real-world files live beside the repository (CI has them); a fresh clone has
# only the small cuts in tests/fixtures/realdata (see the README there).
REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REALDATA_SAMPLES = FIXTURES / "realdata"


def full_realdata(relative: str) -> Path:
    """A full real file from ../shared/realdata; skipped with the reason when it is absent.

    CI sets LEADPACT_REQUIRE_REALDATA: there a missing file fails instead of skipping.
    """
    path = REALDATA / relative
    if not path.is_file():
        reason = f"the full real file {path} is not beside this clone (its sample still runs)"
        if os.environ.get("LEADPACT_REQUIRE_REALDATA"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@pytest.fixture
def clock_at() -> Iterator[Callable[[datetime], None]]:
    """Set LeadPact's one clock (`sla_core.clock.now`) to an instant; it runs on from there.

    The clock the run started with (the machine's, or LEADPACT_CLOCK's) comes back after the test.
    """
    before = clock.now() - datetime.now(UTC)
    yield clock.set_now
    clock.set_now(datetime.now(UTC) + before)


@pytest.fixture(scope="session")
def pg_schema() -> str:
    """A prefix for this session's PostgreSQL schemas (each test gets its own, dropped after)."""
    if not PG_URL:
        pytest.skip("LEADPACT_TEST_DATABASE_URL is not set")
    return f"t_{uuid.uuid4().hex[:10]}"


def _fresh_pg(pg_schema: str) -> Iterator[Engine]:
    with db.scratch_schema(PG_URL or "", f"{pg_schema}_{uuid.uuid4().hex[:6]}") as engine:
        yield engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database: SQLite, and PostgreSQL when configured."""
    if request.param == "sqlite":
        eng = db.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        db.migrate(eng)
        yield eng
        eng.dispose()
    else:
        yield from _fresh_pg(request.getfixturevalue("pg_schema"))


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite database (for tests that need just one backend)."""
    eng = db.make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    db.migrate(eng)
    yield eng
    eng.dispose()
