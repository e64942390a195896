import pytest
from sqlmodel import Session

from sla_core import users
from sla_core.access import PermissionDenied
from sla_core.models import AuditEntry, Role


def make(session, username, role, password="Secret#123", **kw):
    return users.create_user(
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
                session=session, username="new", name="New", role=Role.VIEWER, actor=manager
            )


def test_last_admin_cannot_be_demoted(engine):
    with Session(engine) as session:
        make(session, "root", Role.ADMIN)
        with pytest.raises(users.UserError, match="last admin"):
            users.set_role(session=session, username="root", role=Role.VIEWER)


def test_changes_are_audited(engine):
    with Session(engine) as session:
        admin = make(session, "root", Role.ADMIN)
        make(session, "vw", Role.VIEWER)
        users.set_role(session=session, username="vw", role=Role.MARKETER, actor=admin)
        session.commit()
        actions = [a.action for a in session.query(AuditEntry).all()]
    assert actions.count("user.create") == 2 and "user.set_role" in actions


def test_failed_logins_count_and_reset(engine):
    with Session(engine) as session:
        make(session, "carol", Role.VIEWER)
        for _ in range(5):
            failures = users.record_login(session=session, username="carol", success=False)
        assert failures == 5
        assert users.record_login(session=session, username="carol", success=True) == 0


@pytest.mark.parametrize(("failures", "delay"), [(0, 0), (3, 0), (4, 1), (5, 2), (6, 4), (20, 8)])
def test_login_delay_grows_with_failures(failures, delay):
    assert users.login_delay_seconds(failures) == delay


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
