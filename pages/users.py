"""Users (admin): who can sign in, with which role and team; add, change, reset, deactivate;
merge a person an import created into a user, or remove one without leads."""

import streamlit as st

from sla_core import access
from sla_core.access import Permission
from sla_core.db import session_scope
from sla_core.models import Role, TeamKind
from sla_core.people import roster, teams, users
from sla_core.people.users import role_label
from ui import tables
from ui.data import current_user, get_engine
from ui.flash import flash, pending, show_flash
from ui.i18n import _, num
from ui.navigation import framed
from ui.widgets import clause, plain

framed()

ROLES = [r.value for r in Role]
# Names computed now, in this run's language (a format_func may be called after the run).
ROLE_WORDS = {role: _(role_label(role)) for role in ROLES}
engine = get_engine()

with session_scope(engine) as session:
    admin = current_user(session)
    if not access.can(admin, Permission.MANAGE_USERS):
        st.error(_("Users is for admins."))
        st.stop()
    staff = roster.people_frame(session=session)
    team_names = {t.id: t.name for t in teams.teams(session=session)}
    team_table = teams.team_rows(session=session)

st.title(_("Users"))

show_flash("users")

tables.dataframe(
    staff.drop(columns=["id", "team_kind"]).assign(  # empty cells, not "None"
        role=staff["role"].map(ROLE_WORDS),
        email=staff["email"].fillna(""),
        team=staff["team"].fillna(""),
    ),
    hide_index=True,
    key="users_table",
    column_config={
        "username": st.column_config.TextColumn(_("Username")),
        "name": st.column_config.TextColumn(_("Name")),
        "email": st.column_config.TextColumn(_("E-mail")),
        "role": st.column_config.TextColumn(_("Role")),
        "team": st.column_config.TextColumn(_("Team")),
        "active": st.column_config.CheckboxColumn(_("Active")),
        "can_sign_in": st.column_config.CheckboxColumn(_("Can sign in")),
        "counts": st.column_config.CheckboxColumn(_("Counts in targets")),
    },
)

add, role_tab, team_tab, teams_tab, password_tab, active_tab, tidy_tab = st.tabs(
    [
        _("Add a user"),
        _("Change role"),
        _("Team"),
        _("Teams"),
        _("Reset password"),
        _("Activate / deactivate"),
        _("Imported people"),
    ]
)
usernames = staff["username"].tolist()
loose = roster.unplaced(staff)["username"].tolist()

with add, st.form("users_add_form", clear_on_submit=True):
    left, right = st.columns(2)
    new_username = left.text_input(_("Username"), key="users_add_username")
    new_name = right.text_input(_("Full name"), key="users_add_name")
    new_email = left.text_input(_("E-mail"), key="users_add_email")
    new_role = right.selectbox(
        _("Role"),
        ROLES,
        index=ROLES.index(Role.SALES_REP.value),
        format_func=ROLE_WORDS.__getitem__,
        key="users_add_role",
    )
    new_team = left.selectbox(
        _("Team"),
        [None, *team_names],
        format_func=lambda t: "—" if t is None else team_names[t],
        key="users_add_team",
    )
    new_password = right.text_input(_("Password"), type="password", key="users_add_password")
    no_login = st.checkbox(
        _("No login (a person who owns leads but cannot sign in yet)"), key="users_add_no_login"
    )
    add_clicked = st.form_submit_button(_("Add user"), type="primary", key="users_add_submit")

with role_tab, st.form("users_role_form"):
    role_user = st.selectbox(_("User"), usernames, key="users_role_user")
    role_value = st.selectbox(
        _("New role"), ROLES, format_func=ROLE_WORDS.__getitem__, key="users_role_value"
    )
    role_clicked = st.form_submit_button(_("Change role"), key="users_role_submit")

with team_tab, st.form("users_team_form"):
    st.caption(_("Only people placed in a team count in the targets."))
    team_user = st.selectbox(_("User"), usernames, key="users_team_user")
    team_value = st.selectbox(
        _("Team"),
        [None, *team_names.values()],
        format_func=lambda t: t or "—",
        key="users_team_value",
    )
    team_clicked = st.form_submit_button(_("Place"), key="users_team_submit")

KINDS = {TeamKind.SALES.value: _("Sales"), TeamKind.MARKETING.value: _("Marketing")}
with teams_tab:
    tables.dataframe(
        [
            {_("Team"): row["name"], _("Kind"): KINDS[str(row["kind"])], _("People"): row["people"]}
            for row in team_table
        ],
        hide_index=True,
        key="users_teams_table",
    )
    new_team_col, rename_col = st.columns(2)
    with new_team_col, st.form("users_new_team_form", clear_on_submit=True):
        new_team_name = st.text_input(_("New team's name"), key="users_new_team_name")
        new_team_kind = st.radio(
            _("Kind"), list(KINDS), format_func=KINDS.__getitem__, horizontal=True,
            key="users_new_team_kind",
        )  # fmt: skip
        new_team_clicked = st.form_submit_button(_("Add team"), key="users_new_team_submit")
    with rename_col, st.form("users_rename_team_form", clear_on_submit=True):
        rename_old = st.selectbox(_("Team"), list(team_names.values()), key="users_rename_old")
        rename_new = st.text_input(_("New name"), key="users_rename_new")
        rename_clicked = st.form_submit_button(_("Rename"), key="users_rename_submit")

with tidy_tab, st.form("users_tidy_form"):
    st.caption(
        _(
            "People an import created have no login and no team, and count in no target. "
            "Merge one into an existing user (their leads move), or remove one with no leads."
        )
    )
    tidy_user = st.selectbox(_("Imported person"), loose, key="users_tidy_user")
    tidy_into = st.selectbox(_("Merge into"), usernames, key="users_tidy_into")
    merge_col, remove_col = st.columns(2)
    merge_clicked = merge_col.form_submit_button(_("Merge"), key="users_tidy_merge")
    remove_clicked = remove_col.form_submit_button(_("Remove"), key="users_tidy_remove")

with password_tab, st.form("users_password_form", clear_on_submit=True):
    password_user = st.selectbox(_("User"), usernames, key="users_password_user")
    password_value = st.text_input(_("New password"), type="password", key="users_password_value")
    password_clicked = st.form_submit_button(_("Set password"), key="users_password_submit")

with active_tab, st.form("users_active_form"):
    active_user = st.selectbox(_("User"), usernames, key="users_active_user")
    active_value = st.radio(  # by value: comparing the translated label broke in Persian
        _("Account"),
        [True, False],
        format_func={True: _("Active"), False: _("Deactivated")}.__getitem__,
        horizontal=True,
        key="users_active_value",
    )
    active_clicked = st.form_submit_button(_("Save"), key="users_active_submit")

try:
    with session_scope(engine) as session:
        actor = current_user(session)
        if add_clicked:
            created = users.create_user(
                session=session,
                username=new_username,
                name=new_name,
                role=Role(new_role),
                email=new_email or None,
                password=None if no_login else new_password,
                team_id=new_team,
                actor=actor,
            )
            flash("users", _("Added {name}.").format(name=plain(created.username)))
        elif role_clicked and role_user:
            users.set_role(session=session, username=role_user, role=Role(role_value), actor=actor)
            flash(
                "users",
                _("{name} is now {role}.").format(
                    name=plain(role_user), role=_(role_label(role_value))
                ),
            )
        elif password_clicked and password_user:
            users.set_password(
                session=session, username=password_user, password=password_value, actor=actor
            )
            flash("users", _("New password set for {name}.").format(name=plain(password_user)))
        elif active_clicked and active_user:
            active = bool(active_value)
            users.set_active(session=session, username=active_user, active=active, actor=actor)
            done = _("{name} is active.") if active else _("{name} is deactivated.")
            flash("users", done.format(name=plain(active_user)))
        elif team_clicked and team_user:
            roster.set_team(session=session, username=team_user, team=team_value, actor=actor)
            flash(
                "users",
                _("{name}: team {team}.").format(
                    name=plain(team_user), team=plain(team_value or "—")
                ),
            )
        elif new_team_clicked:
            made = teams.create_team(
                session=session, name=new_team_name, kind=TeamKind(new_team_kind), actor=actor
            )
            flash("users", _("Team {team} added.").format(team=plain(made.name)))
        elif rename_clicked and rename_old:
            renamed = teams.rename_team(
                session=session, old=rename_old, new=rename_new, actor=actor
            )
            flash(
                "users",
                _("{old} is now {new}.").format(old=plain(rename_old), new=plain(renamed.name)),
            )
        elif merge_clicked and tidy_user and tidy_into:
            moved = roster.merge_person(
                session=session, source=tidy_user, target=tidy_into, actor=actor
            )
            flash(
                "users",
                _("{name} merged into {into}; {moved} leads moved.").format(
                    name=plain(tidy_user), into=plain(tidy_into), moved=num(moved)
                ),
            )
        elif remove_clicked and tidy_user:
            roster.remove_person(session=session, username=tidy_user, actor=actor)
            flash("users", _("{name} removed.").format(name=plain(tidy_user)))
except (users.UserError, access.PermissionDenied) as exc:
    st.error(
        _("Nothing was changed: {reason}.").format(reason=clause(exc)), icon=":material/error:"
    )
else:
    if pending("users"):
        st.rerun()
