"""Leads: filter and browse the shared lead snapshot, fifty at a time.

Nothing here copies the snapshot: the matching rows are found once per data revision and
filter (positions into the shared frame, cached), and only the fifty shown are taken.
"""

import streamlit as st

from sla_core import access, browse
from sla_core.db import session_scope
from sla_core.i18n.languages import Language
from sla_core.stages import Stage
from ui import tables
from ui.data import current_snapshot, current_user, get_engine
from ui.dates import date_range_input
from ui.i18n import _, digits, language, num, stage_label
from ui.lead_view import open_picked
from ui.navigation import framed
from ui.widgets import plain

framed()

ROW_PX = 35  # one table row (and the header) in st.dataframe

with session_scope(get_engine()) as session:
    user = current_user(session)
    people = browse.people_frame(session=session)

try:
    owner_id = access.lead_scope(user)
except access.PermissionDenied as exc:
    st.error(plain(exc))
    st.stop()
snap = current_snapshot()
frame = snap.for_owner(owner_id)

st.title(_("Leads") if owner_id is None else _("My leads"))

owner_names = dict(zip(people["id"], people["name"], strict=True))
with st.container(border=True):
    first, second, third = st.columns(3)
    stages = first.multiselect(
        _("Stage"),
        options=[s.value for s in Stage],
        format_func={s.value: stage_label(s) for s in Stage}.__getitem__,
        placeholder=_("All stages"),  # Streamlit's own placeholder is English
        key="leads_stages",
    )
    sources = second.multiselect(
        _("Source"),
        options=browse.source_choices(frame, actor=user, memo=snap.memo),
        placeholder=_("All sources"),
        key="leads_sources",
    )
    owner_ids: list[int] = []
    if owner_id is None:
        present = browse.owners_in_view(frame, actor=user, memo=snap.memo)
        owner_ids = third.multiselect(
            _("Owner"),
            options=sorted(present, key=lambda i: owner_names.get(i, "")),
            format_func=lambda i: owner_names.get(i, f"#{i}"),
            placeholder=_("All owners"),
            key="leads_owners",
        )
    search, created = st.columns([2, 1])
    text = search.text_input(
        _("Search"), placeholder=_("name, e-mail, company or CRM id"), key="leads_search"
    )
    with created:  # in the reader's calendar and digits
        dates = date_range_input(_("Created between"), key="leads_created")

wanted = browse.LeadFilter(
    stages=stages,
    sources=sources,
    owner_ids=owner_ids,
    created_from=dates[0] if len(dates) > 0 else None,
    created_to=dates[1] if len(dates) > 1 else None,
    text=text,
)
found = browse.found_in_view(frame, wanted, actor=user, memo=snap.memo)
pages = browse.page_count(len(found))

# A narrower filter can leave fewer pages than the page number asked for.
if st.session_state.get("leads_page", 1) > pages:
    st.session_state["leads_page"] = pages
page = int(st.session_state.get("leads_page", 1))
rows = browse.page_rows(frame, found, page)
shown, shown_ids = browse.for_display(rows, people), rows["id"].astype("int64").tolist()

# The table's times are UTC (`browse.for_display`); the zone is named in the reader's words.
in_zone = "UTC"
labels = {
    "name": _("Name"),
    "company": _("Company"),
    "stage": _("Stage"),
    "owner": _("Owner"),
    "mql_at": _("MQL since ({zone} time)").format(zone=in_zone),
    "touches": _("Touches"),
    "source": _("Source"),
    "lead_key": _("ID in the CRM"),
    "email": _("E-mail"),
    "created_at": _("Created ({zone} time)").format(zone=in_zone),
}
if owner_id is not None:  # a rep's own leads: they are the owner of every one
    del labels["owner"]
# The important columns first; the default set fits 1,400 px beside the menu, unscrolled.
# The picker's choice is kept for the session (a widget's own state ends with the page). Only
# the reader's own change is kept: a run cut short by another (a double sign-in click) can
# leave the widget empty for one run, and that must not become the session's choice.
kept = st.session_state.setdefault("leads_columns_kept", list(labels)[:7])


def keep_columns() -> None:
    st.session_state["leads_columns_kept"] = st.session_state["leads_columns"]


picked = st.multiselect(
    _("Columns"),
    options=list(labels),
    default=[c for c in kept if c in labels],
    format_func=labels.__getitem__,
    placeholder=_("Choose columns"),
    key="leads_columns",
    on_change=keep_columns,
)
widths = {"name": 160, "company": 140, "stage": 170, "owner": 120, "mql_at": 130,
          "touches": 70, "source": 110, "lead_key": 140, "email": 220, "created_at": 130}  # fmt: skip
clicked = tables.dataframe(
    shown,
    instants={"created_at": rows["created_at"], "mql_at": rows["mql_at"]},
    hide_index=True,
    key="leads_table",
    height=(len(shown) + 1) * ROW_PX + 3,  # every row of the page, no inner scrolling
    column_order=[c for c in labels if c in picked] or list(labels)[:1],
    column_config={
        column: st.column_config.NumberColumn(label, format="localized", width=widths[column])
        if column == "touches"
        else st.column_config.TextColumn(label, width=widths[column])
        for column, label in labels.items()
    },
    on_select="rerun",
    selection_mode="single-row",
)
st.caption(_("Click a row to open the lead."))
open_picked(clicked, shown_ids)
# Below the table, so the table's toolbar never covers the pager.
summary, pager = st.columns([3, 1], vertical_alignment="bottom")
if language() is Language.ENGLISH:
    pager.number_input(_("Page"), min_value=1, max_value=pages, value=1, step=1, key="leads_page")
else:  # Streamlit's number input writes Latin digits: pick the page in the reader's
    numbers = {n: digits(str(n)) for n in range(1, pages + 1)}
    pager.selectbox(_("Page"), list(numbers), format_func=numbers.__getitem__, key="leads_page")
summary.caption(
    _("{found} of {total} leads · page {page} of {pages}").format(
        found=num(len(found)), total=num(len(frame)), page=num(page), pages=num(pages)
    )
)
# The table's own toolbar exports nothing (client.disableDataExport): this export is
# built in sla_core with spreadsheet formulas neutralised.
st.download_button(
    _("Download these leads (CSV)"),
    data=lambda: browse.export_csv(frame.take(found), people),
    file_name="leads.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="leads_download",
)
