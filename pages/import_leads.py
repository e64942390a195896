"""Import (marketing and admin): upload a CRM export, check the mapping, import, read the report."""

import streamlit as st

from sla_core.access import Permission, can
from sla_core.db import session_scope
from sla_core.exporting import safe_csv
from sla_core.importing.editing import build_options, choose, mapping_table, stage_table
from sla_core.importing.preview import describe_parts, read_once, readiness
from sla_core.importing.proposal import detect, mapping_choices, options_for
from sla_core.importing.reading import EXTENSIONS, ReadError
from sla_core.importing.report import rejects_csv
from sla_core.importing.run import ImportFailed, batch_rejects, list_imports, run_import
from sla_core.importing.saved import save_mapping
from sla_core.stages import Stage
from ui import tables
from ui.data import current_user, get_engine
from ui.i18n import _, num, stage_label
from ui.navigation import framed
from ui.widgets import plain

framed()

engine = get_engine()

with session_scope(engine) as session:
    user = current_user(session)
    if not can(user, Permission.IMPORT_LEADS):
        st.error(_("Only marketers, marketing managers and admins may import leads."))
        st.stop()
    choices = {choice.id: choice for choice in mapping_choices(session=session)}

st.title(_("Import leads"))
st.caption(
    _(
        "CSV, TSV or Excel (.xlsx) exports from HubSpot, Salesforce or a spreadsheet. "
        "Leads are matched on the CRM record id, else the e-mail: importing the same file "
        "again changes nothing. Files over 200 MB: use `python -m sla_core import FILE`."
    )
)

upload = st.file_uploader(_("Export file"), type=list(EXTENSIONS), key="import_file")
table = None
if upload is not None:
    data = upload.getvalue()
    try:
        table, fresh = read_once(st.session_state, upload.file_id, data, upload.name)
    except ReadError as exc:
        st.error(
            _("{file}: {problem}").format(file=plain(upload.name), problem=plain(exc)),
            icon=":material/error:",
        )
        table = None
if upload is not None and table is not None:
    headers = [str(c) for c in table.frame.columns]
    if fresh:  # a new file: the last report is for another file; propose the mapping
        st.session_state.pop("import_report", None)
        with session_scope(engine) as session:
            proposal = detect(headers, session=session)
        st.session_state["import_choice"] = proposal.choice.id
        st.session_state["import_proposal"] = _("Recognised as {choice}: {reason}.").format(
            choice=plain(_(proposal.choice.label)), reason=plain(_(proposal.reason))
        )
    st.caption(plain(" · ".join(_(part) for part in describe_parts(table))))
    for note in table.notes:
        st.info(plain(note), icon=":material/info:")
    tables.dataframe(table.frame.head(20), hide_index=True, key="import_preview")

    left, right = st.columns(2)
    chosen = left.selectbox(
        _("Mapping"),
        list(choices),
        format_func={key: _(choice.label) for key, choice in choices.items()}.__getitem__,
        key="import_choice",
    )
    left.caption(st.session_state.get("import_proposal", ""))
    date_order = right.radio(
        _("Dates like 03/04/2024 are"),
        ["auto", "dmy", "mdy"],
        format_func={"auto": _("Detect"), "dmy": _("Day first"), "mdy": _("Month first")}.get,
        horizontal=True,
        key="import_date_order",
    )
    unknown_people = right.radio(
        _("Owners or marketers who are not users yet"),
        ["create", "reject"],
        format_func={
            "create": _("Add them as members without a login"),
            "reject": _("Reject their rows"),
        }.get,
        horizontal=True,
        key="import_unknown_people",
    )
    with session_scope(engine) as session:
        base = options_for(choices[chosen], session=session)

    st.subheader(_("Columns"))
    try:
        proposed = mapping_table(headers, base)
        proposed["label"] = [_(label) for label in proposed["label"]]  # shown, not read back
    except ValueError as exc:
        st.error(plain(exc), icon=":material/error:")
        st.stop()
    edited = tables.data_editor(
        proposed,
        hide_index=True,
        disabled=["field", "label"],
        column_order=["label", "column", "value"],
        column_config={
            "label": _("Our field"),
            "column": st.column_config.SelectboxColumn(
                _("Column in the file"), options=["", *headers]
            ),
            "value": st.column_config.TextColumn(_("Or the same value for every row")),
        },
        key=f"import_mapping_{chosen}",
    )
    options = build_options(base, edited)
    stages = stage_table(table, options)
    if len(stages):
        st.subheader(_("Stages"))
        # shown in words ("SAL (sales accepted)", "Lead status"), read back as keys
        words = {s.value: stage_label(s.value) for s in Stage}
        fields = {"stage": _("Stage"), "lead_status": _("Lead status")}
        keys = {shown: key for key, shown in (words | fields).items()}
        stages = tables.data_editor(
            stages.assign(
                stage=stages["stage"].map(lambda v: words.get(v, v)),
                field=stages["field"].map(lambda v: fields.get(v, v)),
            ),
            hide_index=True,
            disabled=["field", "value", "rows"],
            column_config={
                "field": _("From"),
                "value": _("Value in the file"),
                "rows": _("Rows"),
                "stage": st.column_config.SelectboxColumn(
                    _("Our stage"), options=list(words.values())
                ),
            },
            key=f"import_stages_{chosen}",
        ).replace({"stage": keys, "field": keys})
    options = build_options(
        base,
        edited,
        stages if len(stages) else None,
        date_order=None if date_order == "auto" else date_order,
        unknown_people=unknown_people,
        sheet=table.sheet,
    )
    ready = readiness(table, options)
    if ready.undated:
        what = (
            _("No column gives the created date.")
            if ready.created_column is None
            else _("{count} rows have no created date in column {column}.").format(
                count=num(ready.undated), column=ready.created_column
            )
        )
        missing_dates = st.radio(
            what + " " + _("Leads without a created date are"),
            ["today", "reject"],
            format_func={
                "today": _("Dated today (the import date)"),
                "reject": _("Rejected (map a date column above instead)"),
            }.get,
            index=["today", "reject"].index(options.missing_dates),
            horizontal=True,
            key="import_missing_dates",
        )
        options = choose(options, missing_dates=missing_dates)
    if "stage" in options.columns or "stage" in options.constants:
        undated_outcomes = st.radio(
            _("Won or lost leads without a close date are"),
            ["reject", "today"],
            format_func={
                "reject": _("Rejected (map the close date column above instead)"),
                "today": _("Closed today (the import date)"),
            }.get,
            index=["reject", "today"].index(options.undated_outcomes),
            horizontal=True,
            key="import_undated_outcomes",
        )
        options = choose(options, undated_outcomes=undated_outcomes)
    update_only = st.toggle(
        _("Outcome file: only update leads already stored (rows with a new key are rejected)"),
        value=options.update_only,
        key="import_update_only",
    )
    options = choose(options, update_only=update_only)
    for problem in ready.problems:
        st.error(plain(_(problem)), icon=":material/error:")

    with st.form("import_save_form", border=False):
        name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        mapping_name = name_col.text_input(_("Save this mapping as"), key="import_mapping_name")
        if button_col.form_submit_button(_("Save mapping"), icon=":material/save:"):
            try:
                with session_scope(engine) as session:
                    save_mapping(session=session, name=mapping_name, options=options, actor=user)
                st.success(
                    _("Mapping {name} saved.").format(name=plain(repr(mapping_name.strip())))
                )
            except ValueError as exc:
                st.error(plain(exc))

    if st.button(
        _("Import"),
        type="primary",
        icon=":material/upload:",
        key="import_run",
        disabled=not ready.ready,
    ):
        bar = st.progress(0.0, text=_("Starting"))
        try:
            report = run_import(
                engine=engine,
                data=data,
                filename=upload.name,
                actor=user,
                options=options,
                progress=lambda fraction, message: bar.progress(min(fraction, 1.0), text=message),
            )
            st.session_state["import_report"] = report
        except ImportFailed as exc:
            bar.empty()
            st.error(
                _("{file}: {problem}").format(file=plain(upload.name), problem=plain(exc)),
                icon=":material/error:",
            )

shown = st.session_state.get("import_report")
if shown is not None:
    report = shown
    st.subheader(_("Report: {file}").format(file=plain(report.filename)))
    cols = st.columns(4)
    cols[0].metric(_("New"), num(report.new))
    cols[1].metric(_("Changed"), num(report.changed))
    cols[2].metric(_("Unchanged"), num(report.unchanged))
    cols[3].metric(_("Rejected"), num(report.rejected))
    for note in report.notes:
        st.caption(plain(note))
    if report.created_people:
        st.info(
            _("Added without a login: {people}").format(
                people=plain(", ".join(report.created_people))
            )
        )
    if len(report.unknown_people) and not report.created_people:
        people = plain(", ".join(report.unknown_people["value"]))
        st.warning(_("Not users, rows rejected: {people}").format(people=people))
    if report.rejected:
        tables.dataframe(
            report.rejects.drop(columns=["raw"]),
            hide_index=True,
            key="import_rejects",
            column_config={
                "line": st.column_config.NumberColumn(_("Line"), format="%d"),
                "column": _("Column"),
                "value": _("Value"),
                "reason": _("Problem"),
            },
        )
        st.download_button(
            _("Download the rejected rows to fix them"),
            data=lambda: rejects_csv(report.rejects, report.columns),
            file_name=f"rejected-{report.filename.rsplit('.', 1)[0]}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
            key="import_rejects_download",
        )

st.subheader(_("Past imports"))
with session_scope(engine) as session:
    history = list_imports(session=session)
if history.empty:
    st.caption(_("No imports yet."))
else:
    tables.dataframe(
        history,
        hide_index=True,
        key="import_history",
        column_config={
            "id": st.column_config.NumberColumn(_("Import"), format="#%d"),
            "file": _("File"),
            "by": _("By"),
            "started": st.column_config.DatetimeColumn(_("Started"), format="YYYY-MM-DD HH:mm"),
            "status": _("Status"),
            "rows": _("Rows"),
            "new": _("New"),
            "changed": _("Changed"),
            "unchanged": _("Unchanged"),
            "rejected": _("Rejected"),
            "sha256": _("File fingerprint"),
        },
    )
    with_rejects = history.loc[history["rejected"] > 0, "id"].tolist()
    if with_rejects:
        batch_id = st.selectbox(
            _("Rejected rows of import"),
            with_rejects,
            format_func=lambda i: f"#{i}",
            key="import_history_batch",
        )
        with session_scope(engine) as session:
            old = batch_rejects(session=session, batch_id=batch_id)
        st.download_button(
            _("Download the rejects of import #{id}").format(id=batch_id),
            data=lambda: safe_csv(old),
            file_name=f"import-{batch_id}-rejects.csv",
            mime="text/csv",
            on_click="ignore",
            key="import_history_download",
        )
