import threading
import time

import pytest
from sqlalchemy import delete
from sqlmodel import Session

from sla_core.access import PermissionDenied, system_actor
from sla_core.models import AuditEntry, Role, User
from sla_core.people import first_run, roster, users


def make(session, username, role, password="Secret#123", **kw):
    return users.create_user(
        actor=system_actor(),
        session=session,
        username=username,
        name=username.title(),
        role=role,
        password=password,
        **kw,
    )


def test_password_is_stored_as_bcrypt_hash(engine):
    with Session(engine) as session:
        user = make(session, "alice", Role.ADMIN)
        session.commit()
        session.refresh(user)
    assert user.password_hash.startswith("$2")
    assert "Secret#123" not in user.password_hash
    assert users.check_password("Secret#123", user.password_hash)
    assert not users.check_password("secret#123", user.password_hash)


def test_member_without_password_cannot_sign_in(engine):
    with Session(engine) as session:
        make(session, "rep.one", Role.SALES_REP, password=None)
        make(session, "boss", Role.ADMIN)
        session.commit()
        creds = users.credentials(session=session)
    assert set(creds["usernames"]) == {"boss"}
    assert creds["usernames"]["boss"]["roles"] == ["admin"]


@pytest.mark.parametrize(
    ("username", "message"),
    [("A B", "lower-case"), ("x", "lower-case"), ("alice", "taken")],
)
def test_bad_usernames_are_refused(engine, username, message):
    with Session(engine) as session:
        make(session, "alice", Role.VIEWER)
        with pytest.raises(users.UserError, match=message):
            make(session, username, Role.VIEWER)


@pytest.mark.parametrize(
    ("password", "message"), [("short1", "8 characters"), ("longenough", "digit")]
)
def test_weak_passwords_are_refused(engine, password, message):
    with Session(engine) as session, pytest.raises(users.UserError, match=message):
        make(session, "bob", Role.VIEWER, password=password)


def test_duplicate_email_is_refused(engine):
    with Session(engine) as session:
        make(session, "a1", Role.VIEWER, email="Same@Example.com")
        with pytest.raises(users.UserError, match="belongs to another user"):
            make(session, "a2", Role.VIEWER, email="same@example.com")


def test_only_admins_manage_users(engine):
    with Session(engine) as session:
        manager = make(session, "sm", Role.SALES_MANAGER)
        with pytest.raises(PermissionDenied):
            users.create_user(
                session=session,
                username="new",
                name="New",
                role=Role.VIEWER,
                actor=manager,
            )


def test_last_admin_cannot_be_demoted(engine):
    with Session(engine) as session:
        make(session, "root", Role.ADMIN)
        with pytest.raises(users.UserError, match="last admin"):
            users.set_role(actor=system_actor(), session=session, username="root", role=Role.VIEWER)


def test_changes_are_audited(engine):
    with Session(engine) as session:
        admin = make(session, "root", Role.ADMIN)
        make(session, "vw", Role.VIEWER)
        users.set_role(session=session, username="vw", role=Role.MARKETER, actor=admin)
        session.commit()
        actions = [a.action for a in session.query(AuditEntry).all()]
    assert actions.count("user.create") == 2 and "user.set_role" in actions


def test_generated_password_passes_both_rules():
    import re

    password = users.generate_password()
    users.validate_password(password)
    # streamlit-authenticator's rule: 8-20 chars, upper, lower, digit, special
    assert re.fullmatch(r"(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[@$!%*?&#]).{8,20}", password)


def test_secret_is_generated_once_and_kept(engine):
    with Session(engine) as session:
        first = users.secret(session=session, key="cookie_key")
        session.commit()
    with Session(engine) as session:
        assert users.secret(session=session, key="cookie_key") == first
    assert len(first) >= 32


# --- Issue 12.1: there is always an active admin who can sign in ----------------------------


def test_takeover_by_demoting_oneself_after_adding_a_loginless_admin_is_refused(engine):
    """The probe: add a second admin without a login, then demote yourself."""
    with Session(engine) as session:
        root = make(session, "root", Role.ADMIN)
        make(session, "ghost", Role.ADMIN, password=None)
        session.commit()
        with pytest.raises(users.UserError, match="last admin who can sign in"):
            users.set_role(session=session, username="root", role=Role.VIEWER, actor=root)
        session.rollback()
        assert users.signable_admins(session=session) == [root.id]
        assert first_run.is_set_up(session=session)


def test_last_admin_cannot_deactivate_themselves(engine):
    with Session(engine) as session:
        root = make(session, "root", Role.ADMIN)
        with pytest.raises(users.UserError, match="last admin who can sign in"):
            users.set_active(session=session, username="root", active=False, actor=root)


def test_an_admin_may_step_down_once_another_can_sign_in(engine):
    with Session(engine) as session:
        root = make(session, "root", Role.ADMIN)
        make(session, "second", Role.ADMIN)
        users.set_role(session=session, username="root", role=Role.VIEWER, actor=root)
        session.commit()
        assert [u.username for u in users.list_users(session=session) if u.role == "admin"] == [
            "second"
        ]


def test_setup_never_reopens_on_a_database_that_had_an_admin(engine):
    with Session(engine) as session:
        assert not first_run.is_set_up(session=session)
        make(session, "root", Role.ADMIN)
        session.commit()
    with Session(engine) as session:
        # even if every admin row vanished, the marker stays
        session.execute(delete(AuditEntry))
        session.execute(delete(User))
        session.commit()
        assert first_run.is_set_up(session=session)
        with pytest.raises(users.UserError, match="already set up"):
            first_run.create_first_admin(
                session=session,
                username="intruder",
                name="I",
                email=None,
                password="Secret#123",
                password_again="Secret#123",
                actor=system_actor(),
            )


# --- Issue 12.2: the actor is required and checked ------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda s, a: users.create_user(
            session=s, username="x1", name="X", role=Role.ADMIN, actor=a
        ),
        lambda s, a: users.set_role(session=s, username="vw", role=Role.ADMIN, actor=a),
        lambda s, a: users.set_active(session=s, username="vw", active=False, actor=a),
        lambda s, a: roster.set_team(session=s, username="vw", team=None, actor=a),
        lambda s, a: users.set_password(session=s, username="root", password="Other#1234", actor=a),
    ],
)
def test_a_viewer_changes_nobody(engine, call):
    with Session(engine) as session:
        make(session, "root", Role.ADMIN)
        viewer = make(session, "vw", Role.VIEWER)
        with pytest.raises(PermissionDenied):
            call(session, viewer)


def test_a_user_may_set_their_own_password(engine):
    with Session(engine) as session:
        viewer = make(session, "vw", Role.VIEWER)
        users.set_password(session=session, username="vw", password="Mine#12345", actor=viewer)
        assert users.check_password("Mine#12345", viewer.password_hash)


def test_actor_is_a_required_keyword():
    with pytest.raises(TypeError, match="actor"):
        users.create_user(session=None, username="x", name="x", role=Role.VIEWER)  # type: ignore[call-arg]


def test_importers_add_unplaced_people_but_not_users(engine):
    with Session(engine) as session:
        marketer = make(session, "mk", Role.MARKETER)
        person = users.create_unplaced_person(
            session=session,
            username="new.rep",
            name="New Rep",
            role=Role.SALES_REP,
            email=None,
            actor=marketer,
        )
        assert person.password_hash is None and person.team_id is None
        with pytest.raises(PermissionDenied):
            users.create_user(
                session=session, username="x2", name="X", role=Role.SALES_REP, actor=marketer
            )
        # the domain API holds the import's rule: a marketer never creates an admin (or a
        # manager, or a viewer) this way
        for role in (Role.ADMIN, Role.SALES_MANAGER, Role.MARKETING_MANAGER, Role.VIEWER):
            with pytest.raises(users.UserError, match="a sales rep or a marketer"):
                users.create_unplaced_person(
                    session=session,
                    username=f"sneaky.{role.value}",
                    name="Sneaky",
                    role=role,
                    email=None,
                    actor=marketer,
                )
        session.flush()
        assert users.get_by_username(session=session, username="sneaky.admin") is None


def test_two_admins_demoting_each_other_at_once_leave_one_admin(engine):
    """Real threads: each admin demotes the other at the same moment; one must be refused."""
    with Session(engine) as session:
        make(session, "ann", Role.ADMIN)
        make(session, "bob", Role.ADMIN)
        session.commit()
    barrier = threading.Barrier(2, timeout=60)
    outcomes: dict[str, str] = {}

    def demote(actor_name: str, target: str) -> None:
        with Session(engine) as session:
            actor = users.get_by_username(session=session, username=actor_name)
            session.commit()
            barrier.wait()
            try:
                users.set_role(session=session, username=target, role=Role.VIEWER, actor=actor)
                time.sleep(0.5)  # hold the change open while the other one runs
                session.commit()
                outcomes[actor_name] = "done"
            except users.UserError:
                session.rollback()
                outcomes[actor_name] = "refused"

    threads = [
        threading.Thread(target=demote, args=("ann", "bob")),
        threading.Thread(target=demote, args=("bob", "ann")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes.values()) == ["done", "refused"]
    with Session(engine) as session:
        assert len(users.signable_admins(session=session)) == 1
