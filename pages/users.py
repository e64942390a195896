"""Users (admin): who can sign in, with which role and team; add, change, reset, deactivate;
merge a person an import created into a user, or remove one without leads."""

import streamlit as st

from sla_core import access, people, users
from sla_core.access import Permission
from sla_core.db import session_scope
from sla_core.models import Role
from sla_core.users import role_label
from ui.data import current_user, get_engine
from ui.i18n import _
from ui.navigation import framed
from ui.widgets import plain

framed()

ROLES = [r.value for r in Role]
engine = get_engine()

with session_scope(engine) as session:
    admin = current_user(session)
    if not access.can(admin, Permission.MANAGE_USERS):
        st.error(_("Users is for admins."))
        st.stop()
    staff = people.people_frame(session=session)
    team_names = {t.id: t.name for t in people.teams(session=session)}

st.title(_("Users"))

notice = st.session_state.pop("users_notice", None)
if notice:
    st.success(notice, icon=":material/check_circle:")

st.dataframe(
    staff.drop(columns=["id", "team_kind"]).assign(role=staff["role"].map(role_label)),
    hide_index=True,
    key="users_table",
    column_config={
        "username": "Username",
        "name": "Name",
        "email": "E-mail",
        "role": "Role",
        "team": st.column_config.TextColumn(_("Team")),
        "active": st.column_config.CheckboxColumn(_("Active")),
        "can_sign_in": st.column_config.CheckboxColumn(_("Can sign in")),
    },
)

add, role_tab, team_tab, password_tab, active_tab, tidy_tab = st.tabs(
    [
        _("Add a user"),
        _("Change role"),
        _("Team"),
        _("Reset password"),
        _("Activate / deactivate"),
        _("Imported people"),
    ]
)
usernames = staff["username"].tolist()
loose = people.unplaced(staff)["username"].tolist()

with add, st.form("users_add_form", clear_on_submit=True):
    left, right = st.columns(2)
    new_username = left.text_input(_("Username"), key="users_add_username")
    new_name = right.text_input(_("Full name"), key="users_add_name")
    new_email = left.text_input(_("E-mail"), key="users_add_email")
    new_role = right.selectbox(
        _("Role"),
        ROLES,
        index=ROLES.index(Role.SALES_REP.value),
        format_func=role_label,
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
    role_value = st.selectbox(_("New role"), ROLES, format_func=role_label, key="users_role_value")
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
    active_value = st.radio(
        _("Account"), [_("Active"), _("Deactivated")], horizontal=True, key="users_active_value"
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
            st.session_state["users_notice"] = f"Added {plain(created.username)}."
        elif role_clicked and role_user:
            users.set_role(session=session, username=role_user, role=Role(role_value), actor=actor)
            st.session_state["users_notice"] = (
                f"{plain(role_user)} is now {role_label(role_value)}."
            )
        elif password_clicked and password_user:
            users.set_password(
                session=session, username=password_user, password=password_value, actor=actor
            )
            st.session_state["users_notice"] = f"New password set for {plain(password_user)}."
        elif active_clicked and active_user:
            active = active_value == "Active"
            users.set_active(session=session, username=active_user, active=active, actor=actor)
            state = "active" if active else "deactivated"
            st.session_state["users_notice"] = f"{plain(active_user)} is {state}."
        elif team_clicked and team_user:
            people.set_team(session=session, username=team_user, team=team_value, actor=actor)
            st.session_state["users_notice"] = (
                f"{plain(team_user)}: team {plain(team_value or '—')}."
            )
        elif merge_clicked and tidy_user and tidy_into:
            moved = people.merge_person(
                session=session, source=tidy_user, target=tidy_into, actor=actor
            )
            st.session_state["users_notice"] = (
                f"{plain(tidy_user)} merged into {plain(tidy_into)}; {moved:,} leads moved."
            )
        elif remove_clicked and tidy_user:
            people.remove_person(session=session, username=tidy_user, actor=actor)
            st.session_state["users_notice"] = f"{plain(tidy_user)} removed."
except (users.UserError, access.PermissionDenied) as exc:
    st.error(_("Nothing was changed: {reason}.").format(reason=plain(exc)), icon=":material/error:")
else:
    if "users_notice" in st.session_state:
        st.rerun()
