import pytest

from sla_core.access import (
    GRANTS,
    Permission,
    PermissionDenied,
    can,
    lead_scope,
    require,
    require_queue_access,
)
from sla_core.models import Role, User


def person(role: Role, uid: int = 1, active: bool = True) -> User:
    return User(id=uid, username=f"u{uid}", name=f"User {uid}", role=role, active=active)


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.ADMIN, Permission.MANAGE_USERS, True),
        (Role.SALES_MANAGER, Permission.MANAGE_USERS, False),
        (Role.SALES_REP, Permission.EDIT_AGREEMENT, False),
        (Role.SALES_MANAGER, Permission.EDIT_AGREEMENT, True),
        (Role.MARKETING_MANAGER, Permission.SIGN_AGREEMENT, True),
        (Role.MARKETER, Permission.IMPORT_LEADS, True),
        (Role.SALES_REP, Permission.IMPORT_LEADS, False),
        (Role.VIEWER, Permission.VIEW_DASHBOARD, True),
        (Role.VIEWER, Permission.VIEW_ALL_LEADS, False),
        (Role.SALES_REP, Permission.WORK_OWN_QUEUE, True),
    ],
)
def test_role_grants(role, permission, allowed):
    assert can(person(role), permission) is allowed


def test_every_role_has_grants():
    assert set(GRANTS) == set(Role)


def test_inactive_user_may_do_nothing():
    assert not can(person(Role.ADMIN, active=False), Permission.VIEW_DASHBOARD)


def test_require_names_the_refused_action():
    with pytest.raises(PermissionDenied, match="may not edit agreement"):
        require(person(Role.SALES_REP), Permission.EDIT_AGREEMENT)


def test_rep_sees_own_queue_only():
    rep = person(Role.SALES_REP, uid=5)
    require_queue_access(rep, 5)
    with pytest.raises(PermissionDenied, match="another rep's queue"):
        require_queue_access(rep, 6)


def test_manager_sees_every_queue():
    require_queue_access(person(Role.SALES_MANAGER), 42)


@pytest.mark.parametrize(
    ("role", "scope"),
    [(Role.SALES_REP, 7), (Role.SALES_MANAGER, None), (Role.MARKETER, None)],
)
def test_lead_scope(role, scope):
    assert lead_scope(person(role, uid=7)) == scope


def test_viewer_cannot_browse_leads():
    with pytest.raises(PermissionDenied):
        lead_scope(person(Role.VIEWER))


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.SALES_REP, 7),
        (Role.SALES_MANAGER, None),
        (Role.MARKETER, None),
        (Role.VIEWER, None),  # figures of the whole organisation, no lead rows
        (Role.ADMIN, None),
    ],
)
def test_lead_scope_for_figures(role, scope):
    assert lead_scope(person(role, uid=7), figures=True) == scope
