"""The content hash is the same whatever the key order and whichever database stores it."""

import json

from sqlmodel import Session

from sla_core import agreement
from sla_core.terms import AgreementContent, Targets
from tests.agreement_helpers import cast, fresh, start

CONTENT = AgreementContent(
    targets=Targets(mqls_per_marketer=212),
    workshop={"company_goals": "رشد ۲۰٪ در ۲۰۲۷ with Acme GmbH", "stakeholders": "Sam, Mia"},
    marketing_commitments="Deliver 212 MQLs",
)


def _reversed(value):
    if isinstance(value, dict):
        return {k: _reversed(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [_reversed(v) for v in value]
    return value


def test_key_order_does_not_change_the_hash():
    shuffled = json.dumps(_reversed(CONTENT.model_dump(mode="json")), ensure_ascii=True, indent=2)
    again = AgreementContent.model_validate_json(shuffled)
    assert agreement.canonical_json(again) == agreement.canonical_json(CONTENT)
    assert agreement.content_hash(again) == agreement.content_hash(CONTENT)


def test_the_same_hash_after_a_round_trip_through_the_database(engine):
    expected = agreement.content_hash(CONTENT)
    with Session(engine) as session:
        people, version_id = cast(session), start(session).id
        agreement.save_draft(
            session=session,
            version_id=version_id,
            revision=1,
            content=CONTENT,
            actor=people["marketing"],
        )
        session.commit()
    with Session(engine) as session:
        stored = fresh(session, version_id)
        assert stored.content_hash == expected
        assert agreement.content_hash(agreement.load_content(stored)) == expected
        assert stored.content == agreement.canonical_json(CONTENT)
