"""Users (admin): who can sign in, with which role; add, change role, reset, deactivate."""

import streamlit as st

from sla_core import access, browse, users
from sla_core.access import Permission
from sla_core.db import session_scope
from sla_core.models import Role
from ui.data import current_user, get_engine

ROLES = [r.value for r in Role]
engine = get_engine()


def role_label(value: str) -> str:
    return value.replace("_", " ").capitalize()


with session_scope(engine) as session:
    admin = current_user(session)
    if not access.can(admin, Permission.MANAGE_USERS):
        st.error("Only an admin may manage users.")
        st.stop()
    people = browse.people_frame(session=session)
    team_names = {t.id: t.name for t in users.teams(session=session)}

st.title("Users")

notice = st.session_state.pop("users_notice", None)
if notice:
    st.success(notice, icon=":material/check_circle:")

st.dataframe(
    people.drop(columns=["id"]).assign(role=people["role"].map(role_label)),
    hide_index=True,
    key="users_table",
    column_config={
        "username": "Username",
        "name": "Name",
        "email": "E-mail",
        "role": "Role",
        "team": st.column_config.TextColumn("Team"),
        "active": st.column_config.CheckboxColumn("Active"),
        "can_sign_in": st.column_config.CheckboxColumn("Can sign in"),
    },
)

add, role_tab, password_tab, active_tab = st.tabs(
    ["Add a user", "Change role", "Reset password", "Activate / deactivate"]
)
usernames = people["username"].tolist()

with add, st.form("users_add_form", clear_on_submit=True):
    left, right = st.columns(2)
    new_username = left.text_input("Username", key="users_add_username")
    new_name = right.text_input("Full name", key="users_add_name")
    new_email = left.text_input("E-mail", key="users_add_email")
    new_role = right.selectbox(
        "Role",
        ROLES,
        index=ROLES.index(Role.SALES_REP.value),
        format_func=role_label,
        key="users_add_role",
    )
    new_team = left.selectbox(
        "Team",
        [None, *team_names],
        format_func=lambda t: "—" if t is None else team_names[t],
        key="users_add_team",
    )
    new_password = right.text_input("Password", type="password", key="users_add_password")
    no_login = st.checkbox(
        "No login (a person who owns leads but cannot sign in yet)", key="users_add_no_login"
    )
    add_clicked = st.form_submit_button("Add user", type="primary", key="users_add_submit")

with role_tab, st.form("users_role_form"):
    role_user = st.selectbox("User", usernames, key="users_role_user")
    role_value = st.selectbox("New role", ROLES, format_func=role_label, key="users_role_value")
    role_clicked = st.form_submit_button("Change role", key="users_role_submit")

with password_tab, st.form("users_password_form", clear_on_submit=True):
    password_user = st.selectbox("User", usernames, key="users_password_user")
    password_value = st.text_input("New password", type="password", key="users_password_value")
    password_clicked = st.form_submit_button("Set password", key="users_password_submit")

with active_tab, st.form("users_active_form"):
    active_user = st.selectbox("User", usernames, key="users_active_user")
    active_value = st.radio(
        "Account", ["Active", "Deactivated"], horizontal=True, key="users_active_value"
    )
    active_clicked = st.form_submit_button("Save", key="users_active_submit")

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
            st.session_state["users_notice"] = f"Added {created.username}."
        elif role_clicked and role_user:
            users.set_role(session=session, username=role_user, role=Role(role_value), actor=actor)
            st.session_state["users_notice"] = f"{role_user} is now {role_label(role_value)}."
        elif password_clicked and password_user:
            users.set_password(
                session=session, username=password_user, password=password_value, actor=actor
            )
            st.session_state["users_notice"] = f"New password set for {password_user}."
        elif active_clicked and active_user:
            active = active_value == "Active"
            users.set_active(session=session, username=active_user, active=active, actor=actor)
            state = "active" if active else "deactivated"
            st.session_state["users_notice"] = f"{active_user} is {state}."
except (users.UserError, access.PermissionDenied) as exc:
    st.error(f"Nothing was changed: {exc}.", icon=":material/error:")
else:
    if "users_notice" in st.session_state:
        st.rerun()
