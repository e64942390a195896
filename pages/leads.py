"""Leads: filter and browse the lead snapshot, fifty at a time."""

import streamlit as st

from sla_core import access, browse
from sla_core.db import session_scope
from sla_core.stages import STAGE_LABELS, Stage
from ui.data import current_user, get_engine, leads_for

with session_scope(get_engine()) as session:
    user = current_user(session)
    people = browse.people_frame(session=session)

try:
    owner_id = access.lead_scope(user)
except access.PermissionDenied as exc:
    st.error(str(exc))
    st.stop()
frame = leads_for(owner_id)

st.title("Leads" if owner_id is None else "My leads")

with st.container(border=True):
    first, second, third = st.columns(3)
    stages = first.multiselect(
        "Stage",
        options=[s.value for s in Stage],
        format_func=lambda v: STAGE_LABELS[Stage(v)],
        key="leads_stages",
    )
    sources = second.multiselect(
        "Source", options=browse.choices(frame, "source"), key="leads_sources"
    )
    owner_names = dict(zip(people["id"], people["name"], strict=True))
    owner_ids: list[int] = []
    if owner_id is None:
        owner_ids = third.multiselect(
            "Owner",
            options=sorted(
                frame["owner_id"].dropna().unique().tolist(), key=lambda i: owner_names.get(i, "")
            ),
            format_func=lambda i: owner_names.get(i, f"#{i}"),
            key="leads_owners",
        )
    search, created = st.columns([2, 1])
    text = search.text_input("Search", placeholder="name, e-mail or company", key="leads_search")
    dates = created.date_input("Created between", value=(), key="leads_created")

wanted = browse.LeadFilter(
    stages=stages,
    sources=sources,
    owner_ids=owner_ids,
    created_from=dates[0] if len(dates) > 0 else None,
    created_to=dates[1] if len(dates) > 1 else None,
    text=text,
)
found = browse.filter_leads(frame, wanted)
pages = browse.page_count(len(found))

# A narrower filter can leave fewer pages than the page number asked for.
if st.session_state.get("leads_page", 1) > pages:
    st.session_state["leads_page"] = pages
summary, pager = st.columns([3, 1], vertical_alignment="bottom")
page = pager.number_input("Page", min_value=1, max_value=pages, value=1, step=1, key="leads_page")
summary.caption(f"{len(found):,} of {len(frame):,} leads · page {page} of {pages:,}")

st.dataframe(
    browse.for_display(browse.page_of(found, int(page)), people),
    hide_index=True,
    key="leads_table",
    height=738,  # twenty rows, then the table scrolls
    column_config={
        "name": st.column_config.TextColumn("Name", width=140),
        "email": st.column_config.TextColumn("E-mail", width=230),
        "company": st.column_config.TextColumn("Company", width=150),
        "stage": st.column_config.TextColumn("Stage", width=100),
        "source": st.column_config.TextColumn("Source", width=120),
        "owner": st.column_config.TextColumn("Owner", width=120),
        "created_at": st.column_config.DatetimeColumn(
            "Created", format="YYYY-MM-DD HH:mm", width=125
        ),
        "mql_at": st.column_config.DatetimeColumn(
            "MQL since", format="YYYY-MM-DD HH:mm", width=125
        ),
        "touches": st.column_config.NumberColumn("Touches", width=65),
    },
)
