"""PostgreSQL's idle ADBC connections (sla_core.store.bulk): reused, and never more than a
few in all, however many databases a process reads (a cap per database let a test run's
hundreds of schemas exhaust the server's connections: "too many clients already")."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sla_core import db
from sla_core.store import bulk
from tests.conftest import PG_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url() -> str:
    if not PG_URL:
        pytest.skip("LEADPACT_TEST_DATABASE_URL is not set")
    return PG_URL


def _open_with(url: str, name: str) -> int:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE :n"),
            {"n": name},
        ).scalar_one()
    engine.dispose()
    return int(found)


def test_reads_of_many_databases_keep_at_most_four_connections_idle(pg_url: str) -> None:
    bulk.close_idle()
    tag = "leadpact_pool_test"
    for i in range(12):  # twelve "databases": the same server under twelve names
        engine = db.make_engine(f"{pg_url}?application_name={tag}_{i}")
        assert bulk.read_arrow(engine, "SELECT 1 AS one").column("one").to_pylist() == [1]
        engine.dispose()
    assert bulk.idle_count() == 4
    assert _open_with(pg_url, f"{tag}_%") == 4  # the server holds four, not twelve
    bulk.close_idle()
    assert bulk.idle_count() == 0


def test_a_second_read_of_one_database_reuses_its_idle_connection(pg_url: str) -> None:
    bulk.close_idle()
    engine = db.make_engine(f"{pg_url}?application_name=leadpact_pool_reuse")
    first = bulk.read_arrow(engine, "SELECT pg_backend_pid() AS pid").column("pid")[0]
    second = bulk.read_arrow(engine, "SELECT pg_backend_pid() AS pid").column("pid")[0]
    assert first == second
    assert bulk.idle_count() == 1
    bulk.close_idle()
    engine.dispose()
