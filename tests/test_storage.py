from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlmodel import Session, select

from sla_core import db
from sla_core.clock import from_micros, to_micros
from sla_core.models import Lead


def test_migrations_reach_head(engine):
    assert db.schema_is_current(engine)


def test_migrate_twice_is_harmless(engine):
    db.migrate(engine)
    assert db.schema_is_current(engine)


def test_timestamps_round_trip_aware_utc(engine):
    tehran = timezone(timedelta(hours=3, minutes=30))
    moment = datetime(2026, 3, 20, 23, 59, 59, 123456, tzinfo=tehran)
    with Session(engine) as session:
        session.add(Lead(lead_key="x1", created_at=moment))
        session.commit()
    with Session(engine) as session:
        lead = session.exec(select(Lead)).one()
    assert lead.created_at == moment
    assert lead.created_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(engine):
    with Session(engine) as session, pytest.raises(Exception, match="naive datetime"):
        session.add(Lead(lead_key="x2", created_at=datetime(2026, 1, 1)))
        session.commit()


def test_timestamps_order_in_sql(engine):
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as session:
        for i, delta in enumerate([timedelta(days=3), timedelta(seconds=1), timedelta(0)]):
            session.add(Lead(lead_key=f"k{i}", created_at=base + delta))
        session.commit()
        keys = [lead.lead_key for lead in session.exec(select(Lead).order_by(Lead.created_at))]
    assert keys == ["k2", "k1", "k0"]


@pytest.mark.parametrize(
    "moment",
    [
        datetime(1970, 1, 1, tzinfo=UTC),
        datetime(2038, 1, 19, 3, 14, 8, 1, tzinfo=UTC),
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ],
)
def test_micros_round_trip(moment):
    assert from_micros(to_micros(moment)) == moment


def test_bad_url_is_one_clear_line():
    with pytest.raises(db.DatabaseUnavailable, match="not a database URL"):
        db.make_engine("nonsense")


def test_unreachable_postgres_is_one_clear_line():
    engine = db.make_engine("postgresql+psycopg://nobody@127.0.0.1:1/nowhere")
    with pytest.raises(db.DatabaseUnavailable, match="cannot reach the database") as info:
        db.check(engine)
    assert "\n" not in str(info.value)


def test_postgres_url_gets_psycopg_driver():
    assert db.normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"


def test_migrations_match_the_models(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
