"""Import (marketing and admin): upload a CRM export, check the mapping, import, read the report."""

import streamlit as st

from sla_core.access import Permission, can
from sla_core.db import session_scope
from sla_core.exporting import safe_csv
from sla_core.importing import PRESETS, ImportOptions, ReadError, read_table
from sla_core.importing.editing import apply_tables, mapping_table, stage_table
from sla_core.importing.report import rejects_csv
from sla_core.importing.run import ImportFailed, batch_rejects, list_imports, run_import
from sla_core.importing.saved import list_mappings, load_mapping, save_mapping
from sla_core.stages import Stage
from ui.data import current_user, get_engine

PRESET_LABELS = {
    "generic": "Generic sheet",
    "hubspot": "HubSpot contacts",
    "salesforce": "Salesforce leads",
}
NO_SAVED = "(none)"
engine = get_engine()

with session_scope(engine) as session:
    user = current_user(session)
    if not can(user, Permission.IMPORT_LEADS):
        st.error("Only marketers, marketing managers and admins may import leads.")
        st.stop()
    saved_names = list_mappings(session=session)

st.title("Import leads")
st.caption(
    "CSV, TSV or Excel (.xlsx) exports from HubSpot, Salesforce or a spreadsheet. "
    "Leads are matched on the CRM record id, else the e-mail: importing the same file again "
    "changes nothing. Files over 200 MB: use `python -m sla_core import FILE`."
)

upload = st.file_uploader("Export file", type=["csv", "tsv", "txt", "xlsx"], key="import_file")
left, middle, right = st.columns(3)
preset = left.selectbox("Layout", PRESETS, format_func=PRESET_LABELS.get, key="import_preset")
saved = middle.selectbox("Saved mapping", [NO_SAVED, *saved_names], key="import_saved")
date_order = right.radio(
    "Dates like 03/04/2024 are",
    ["auto", "dmy", "mdy"],
    format_func={"auto": "Detect", "dmy": "Day first", "mdy": "Month first"}.get,
    horizontal=True,
    key="import_date_order",
)
unknown_people = st.radio(
    "Owners or marketers who are not users yet",
    ["create", "reject"],
    format_func={
        "create": "Add them as members without a login",
        "reject": "Reject their rows",
    }.get,
    horizontal=True,
    key="import_unknown_people",
)

if upload is not None:
    data = upload.getvalue()
    cached = st.session_state.get("import_raw")
    if cached is None or cached[0] != upload.file_id:
        try:
            st.session_state["import_raw"] = (upload.file_id, read_table(data, upload.name))
        except ReadError as exc:
            st.session_state.pop("import_raw", None)
            st.error(f"{upload.name}: {exc}", icon=":material/error:")
            st.stop()
    table = st.session_state["import_raw"][1]
    found = [f"{len(table.frame):,} rows", f"header on line {table.header_line}"]
    if len(table.bad_lines):
        found.insert(1, f"{len(table.bad_lines):,} malformed rows set aside")
    if table.encoding:
        found += [f"encoding {table.encoding}", f"delimiter {table.delimiter!r}"]
    if table.sheet:
        found.append(f"sheet {table.sheet!r}")
    st.caption(" · ".join(found))
    for note in table.notes:
        st.info(note, icon=":material/info:")
    st.dataframe(table.frame.head(20), hide_index=True, key="import_preview")

    if saved != NO_SAVED:
        with session_scope(engine) as session:
            base = load_mapping(session=session, name=saved)
    else:
        base = ImportOptions(preset=preset)
    headers = [str(c) for c in table.frame.columns]
    try:
        proposed = mapping_table(headers, base)
    except ValueError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()

    st.subheader("Columns")
    edited = st.data_editor(
        proposed,
        hide_index=True,
        disabled=["field", "label"],
        column_order=["label", "column"],
        column_config={
            "label": "Our field",
            "column": st.column_config.SelectboxColumn(
                "Column in the file", options=["", *headers]
            ),
        },
        key=f"import_mapping_{preset}_{saved}",
    )
    options = apply_tables(base, edited)
    stages = stage_table(table, options)
    if len(stages):
        st.subheader("Stages")
        stages = st.data_editor(
            stages,
            hide_index=True,
            disabled=["field", "value", "rows"],
            column_config={
                "field": "From",
                "value": "Value in the file",
                "stage": st.column_config.SelectboxColumn(
                    "Our stage", options=[s.value for s in Stage]
                ),
            },
            key=f"import_stages_{preset}_{saved}",
        )
        options = apply_tables(options, edited, stages)
    options.date_order = None if date_order == "auto" else date_order
    options.unknown_people = unknown_people
    options.sheet = table.sheet

    with st.form("import_save_form", border=False):
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        mapping_name = name_col.text_input("Save this mapping as", key="import_mapping_name")
        if button_col.form_submit_button("Save mapping", icon=":material/save:"):
            try:
                with session_scope(engine) as session:
                    save_mapping(session=session, name=mapping_name, options=options, actor=user)
                st.success(f"Mapping {mapping_name.strip()!r} saved.")
            except ValueError as exc:
                st.error(str(exc))

    if st.button("Import", type="primary", icon=":material/upload:", key="import_run"):
        bar = st.progress(0.0, text="Starting")
        try:
            report = run_import(
                engine=engine,
                data=data,
                filename=upload.name,
                user=user,
                options=options,
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
            )
            st.session_state["import_report"] = report
        except (ImportFailed, ValueError) as exc:
            bar.empty()
            st.error(f"{upload.name}: {exc}", icon=":material/error:")

report = st.session_state.get("import_report")
if report is not None:
    st.subheader(f"Report: {report.filename}")
    cols = st.columns(4)
    cols[0].metric("New", f"{report.new:,}")
    cols[1].metric("Changed", f"{report.changed:,}")
    cols[2].metric("Unchanged", f"{report.unchanged:,}")
    cols[3].metric("Rejected", f"{report.rejected:,}")
    if report.created_people:
        st.info("Added without a login: " + ", ".join(report.created_people))
    if len(report.unknown_people) and not report.created_people:
        st.warning("Not users, rows rejected: " + ", ".join(report.unknown_people["value"]))
    if report.rejected:
        st.dataframe(
            report.rejects.drop(columns=["raw"]),
            hide_index=True,
            key="import_rejects",
            column_config={
                "line": st.column_config.NumberColumn("Line", format="%d"),
                "column": "Column",
                "value": "Value",
                "reason": "Problem",
            },
        )
        st.download_button(
            "Download the rejected rows to fix them",
            rejects_csv(report.rejects, report.columns),
            file_name=f"rejected-{report.filename.rsplit('.', 1)[0]}.csv",
            mime="text/csv",
            icon=":material/download:",
            key="import_rejects_download",
        )

st.subheader("Past imports")
with session_scope(engine) as session:
    history = list_imports(session=session)
if history.empty:
    st.caption("No imports yet.")
else:
    st.dataframe(history, hide_index=True, key="import_history")
    with_rejects = history.loc[history["rejected"] > 0, "id"].tolist()
    if with_rejects:
        batch_id = st.selectbox(
            "Rejected rows of import",
            with_rejects,
            format_func=lambda i: f"#{i}",
            key="import_history_batch",
        )
        with session_scope(engine) as session:
            old = batch_rejects(session=session, batch_id=batch_id)
        st.download_button(
            f"Download the rejects of import #{batch_id}",
            safe_csv(old),
            file_name=f"import-{batch_id}-rejects.csv",
            mime="text/csv",
            key="import_history_download",
        )
