"""What the clocks read from the database: the MQL definitions in force over time."""

from __future__ import annotations

from sla_core.agreement import versions
from sla_core.agreement.signing import sign
from sla_core.db import session_scope
from sla_core.models import Role, User
from sla_core.sla.context import load_setup, mql_history
from tests.agreement_helpers import complete


def test_nothing_signed_means_no_history(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        versions.ensure_agreement(session=session)
        assert mql_history(session=session) == ()


def test_a_signed_version_is_in_force_from_its_last_required_signature(engine) -> None:  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        version = complete(session, versions.ensure_agreement(session=session).id)
        sales = User(username="s", name="S", role=Role.SALES_MANAGER)
        marketing = User(username="m", name="M", role=Role.MARKETING_MANAGER)
        session.add_all([sales, marketing])
        session.flush()
        sign(session=session, version_id=version.id, seen_hash=version.content_hash, actor=sales)
        assert mql_history(session=session) == ()  # one of two required signatures
        last = sign(session=session, version_id=version.id, seen_hash=version.content_hash,
                    actor=marketing)  # fmt: skip
        history = mql_history(session=session)
        assert [since for since, _ in history] == [last.signed_at]
        assert history[0][1] == versions.load_content(version).mql
        assert load_setup(session=session).mql_history == history
