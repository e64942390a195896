"""Roles and what each may do; sla_core functions check these, not only the pages."""

from __future__ import annotations

from enum import StrEnum

from sla_core.models import Role, User


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_ALL_LEADS = "view_all_leads"
    WORK_OWN_QUEUE = "work_own_queue"
    VIEW_TEAM_QUEUES = "view_team_queues"
    EDIT_AGREEMENT = "edit_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    IMPORT_LEADS = "import_leads"
    MANAGE_USERS = "manage_users"
    ROUTE_LEADS = "route_leads"
    EXPORT_REPORTS = "export_reports"


_ALL = frozenset(Permission)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.SALES_MANAGER: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_ALL_LEADS,
            Permission.VIEW_TEAM_QUEUES,
            Permission.EDIT_AGREEMENT,
            Permission.SIGN_AGREEMENT,
            Permission.ROUTE_LEADS,
            Permission.EXPORT_REPORTS,
        }
    ),
    Role.MARKETING_MANAGER: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_ALL_LEADS,
            Permission.EDIT_AGREEMENT,
            Permission.SIGN_AGREEMENT,
            Permission.IMPORT_LEADS,
            Permission.EXPORT_REPORTS,
        }
    ),
    Role.SALES_REP: frozenset({Permission.VIEW_DASHBOARD, Permission.WORK_OWN_QUEUE}),
    Role.MARKETER: frozenset(
        {Permission.VIEW_DASHBOARD, Permission.VIEW_ALL_LEADS, Permission.IMPORT_LEADS}
    ),
    Role.VIEWER: frozenset({Permission.VIEW_DASHBOARD}),
}


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this."""


def can(user: User, permission: Permission) -> bool:
    """Whether `user`'s role grants `permission` (inactive users get nothing)."""
    return user.active and permission in GRANTS[Role(user.role)]


def require(user: User, permission: Permission) -> None:
    """Raise PermissionDenied unless `user` may do `permission`."""
    if not can(user, permission):
        raise PermissionDenied(
            f"{user.name} ({Role(user.role).value}) may not {permission.value.replace('_', ' ')}"
        )


def require_queue_access(user: User, rep_id: int) -> None:
    """A rep sees only their own queue; managers and admins see every rep's."""
    if can(user, Permission.VIEW_TEAM_QUEUES):
        return
    if can(user, Permission.WORK_OWN_QUEUE) and user.id == rep_id:
        return
    raise PermissionDenied(f"{user.name} may not see another rep's queue")


def lead_scope(user: User) -> int | None:
    """The owner whose leads `user` may browse: None for all leads, else their own id."""
    if can(user, Permission.VIEW_ALL_LEADS):
        return None
    if can(user, Permission.WORK_OWN_QUEUE):
        return user.id
    raise PermissionDenied(f"{user.name} may not browse leads")
