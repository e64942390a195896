"""Roles and what each may do; sla_core functions check these, not only the pages."""

from __future__ import annotations

from enum import StrEnum

from sla_core.models import Role, User
from sla_core.models.people import ROLE_NAMES


class Permission(StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_ALL_LEADS = "view_all_leads"
    WORK_OWN_QUEUE = "work_own_queue"
    WORK_LEADS = "work_leads"
    SEND_REMINDERS = "send_reminders"
    VIEW_TEAM_QUEUES = "view_team_queues"
    EDIT_AGREEMENT = "edit_agreement"
    SIGN_AGREEMENT = "sign_agreement"
    IMPORT_LEADS = "import_leads"
    MANAGE_USERS = "manage_users"
    ROUTE_LEADS = "route_leads"
    EXPORT_REPORTS = "export_reports"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_POINTS = "manage_points"
    EDIT_MQL_CRITERIA = "edit_mql_criteria"  # the MQL definition: marketing's, and admins'
    # A close stores both teams' standings and badges at once: no one side's manager alone.
    CLOSE_PERIODS = "close_periods"


_ALL = frozenset(Permission)

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.SALES_MANAGER: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_ALL_LEADS,
            Permission.VIEW_TEAM_QUEUES,
            Permission.WORK_LEADS,
            Permission.SEND_REMINDERS,
            Permission.EDIT_AGREEMENT,
            Permission.SIGN_AGREEMENT,
            Permission.ROUTE_LEADS,
            Permission.EXPORT_REPORTS,
            Permission.MANAGE_POINTS,
        }
    ),
    Role.MARKETING_MANAGER: frozenset(
        {
            Permission.VIEW_DASHBOARD,
            Permission.VIEW_ALL_LEADS,
            Permission.EDIT_AGREEMENT,
            Permission.EDIT_MQL_CRITERIA,
            Permission.SIGN_AGREEMENT,
            Permission.IMPORT_LEADS,
            Permission.EXPORT_REPORTS,
            Permission.MANAGE_POINTS,
        }
    ),
    Role.SALES_REP: frozenset(
        {Permission.VIEW_DASHBOARD, Permission.WORK_OWN_QUEUE, Permission.WORK_LEADS}
    ),
    Role.MARKETER: frozenset(
        {Permission.VIEW_DASHBOARD, Permission.VIEW_ALL_LEADS, Permission.IMPORT_LEADS}
    ),
    Role.VIEWER: frozenset({Permission.VIEW_DASHBOARD}),
}


SALES_SIDE = frozenset({Role.SALES_MANAGER, Role.SALES_REP})
MARKETING_SIDE = frozenset({Role.MARKETING_MANAGER, Role.MARKETER})


def side_of(role: Role | str) -> str | None:
    """ "sales" or "marketing" for the roles of each team; None for admins and viewers."""
    if Role(role) in SALES_SIDE:
        return "sales"
    if Role(role) in MARKETING_SIDE:
        return "marketing"
    return None


class PermissionDenied(PermissionError):
    """The signed-in user's role does not allow this."""


def system_actor() -> User:
    """The actor for work nobody signed in for (the CLI, first run, scheduled jobs).

    Not stored: audit entries it writes have no actor id, which reads as "the system".
    Callers that hand it over must themselves be trusted (an operator at the server).
    """
    return User(id=None, username="system", name="LeadPact (system)", role=Role.ADMIN)


def can(user: User, permission: Permission) -> bool:
    """Whether `user`'s role grants `permission` (inactive users get nothing)."""
    return user.active and permission in GRANTS[Role(user.role)]


def require(user: User, permission: Permission) -> None:
    """Raise PermissionDenied unless `user` may do `permission`."""
    if not can(user, permission):
        raise PermissionDenied(
            f"{user.name} ({ROLE_NAMES[Role(user.role)]}) may not "
            f"{permission.value.replace('_', ' ')}"
        )


def require_self_or(actor: User, user_id: int | None, permission: Permission) -> None:
    """Allow `actor` to act on their own account; on anyone else's only with `permission`."""
    if actor.id is not None and actor.id == user_id and actor.active:
        return
    require(actor, permission)


def require_queue_access(user: User, rep_id: int) -> None:
    """A rep sees only their own queue; managers and admins see every rep's."""
    if can(user, Permission.VIEW_TEAM_QUEUES):
        return
    if can(user, Permission.WORK_OWN_QUEUE) and user.id == rep_id:
        return
    raise PermissionDenied(f"{user.name} may not see another rep's queue")


def lead_scope(user: User, *, figures: bool = False) -> int | None:
    """Whose leads `user` sees: None for all leads, else their own id (a rep's queue).

    `figures` asks for aggregates (the dashboards) rather than lead rows: anyone on the
    dashboard sees the figures of the leads they may see, and those who may not browse
    leads at all (viewers) see the whole organisation's figures.
    """
    if figures:
        require(user, Permission.VIEW_DASHBOARD)
    if can(user, Permission.VIEW_ALL_LEADS):
        return None
    if can(user, Permission.WORK_OWN_QUEUE):
        return user.id
    if figures:
        return None
    raise PermissionDenied(f"{user.name} may not browse leads")


def require_organisation_figures(user: User) -> None:
    """Refuse unless `user` sees the whole organisation's figures (`lead_scope(figures=True)`
    is None): a rep, whose figures are their own leads', may not read the company's."""
    if lead_scope(user, figures=True) is not None:
        raise PermissionDenied(f"{user.name} may not see the whole organisation's figures")
