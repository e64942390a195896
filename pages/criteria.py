"""MQL criteria: edit the six criteria and the threshold, and see at once who would qualify."""

import streamlit as st

from sla_core import agreement
from sla_core.access import Permission, can
from sla_core.db import session_scope
from sla_core.marketing import charts as marketing_charts
from sla_core.marketing import criteria, preview, qualification, suggestions
from sla_core.models import Role
from sla_core.people.roster import headcount
from sla_core.terms import NUMERIC_CRITERIA
from ui import tables
from ui.charts import memo_chart
from ui.data import current_snapshot, current_user, get_engine, leads_for
from ui.draft_editor import DraftEditor
from ui.flash import flash, show_flash
from ui.i18n import _, num, signed
from ui.marketing import comparison, people, prepared
from ui.navigation import framed
from ui.widgets import agreement_banner, clause, plain

framed()


with session_scope(get_engine()) as session:
    user = current_user(session)
    governing = agreement.governing_version(session=session)
    draft_editor = DraftEditor.open("criteria", session=session)  # a suggestion loads into it

COLUMNS = {
    "group": _("Group"),
    "leads": _("Leads"),
    "in_force": _("MQLs in force"),
    "proposed": _("MQLs proposed"),
    "change": _("Change"),
}
editable = can(user, Permission.EDIT_MQL_CRITERIA)  # sales managers read them
staff = people()
ready = prepared(staff, user)
base = ready.base
draft_content = draft_editor.content
stamp = draft_editor.stamp
if draft_editor.generation:
    stamp += f"_s{draft_editor.generation}"
editing = draft_editor.loaded() or draft_content.mql

st.title(_("MQL criteria"))
agreement_banner(governing)
draft_editor.header()
if not editable:
    st.info(_("You can look, not change: the MQL criteria are edited by marketing managers."))

inputs: list[criteria.CriterionInput] = []
slots = {}
editor, shown = st.columns([5, 6], gap="large")
stored_inputs = criteria.inputs_of(editing)
with editor:
    weights_now = [
        st.session_state.get(f"criteria_{i.field.value}_{stamp}_w", i.weight) for i in stored_inputs
    ]
    # The slider's range follows the points, and a new range makes Streamlit draw a new
    # widget: start it at the threshold the person set, never back at the stored one.
    threshold_key = f"criteria_threshold_{stamp}"
    threshold_set = int(st.session_state.get(threshold_key, editing.threshold))
    threshold = st.slider(
        _("Threshold: the points a lead needs to be an MQL"),
        0,
        max(100, sum(weights_now), editing.threshold, threshold_set),
        threshold_set,
        key=threshold_key,
        disabled=not editable,
    )
    slots[criteria.THRESHOLD] = st.empty()
    for item in stored_inputs:
        key = f"criteria_{item.field.value}_{stamp}"
        with st.container(border=True):
            name, points = st.columns([3, 2])
            name.markdown(f"**{_(criteria.LABELS[item.field])}**")
            weight = points.number_input(
                _("Points"), 0, 100, item.weight, step=5, key=f"{key}_w", disabled=not editable
            )
            if item.field in NUMERIC_CRITERIA:
                low, high = st.columns(2)
                minimum = low.number_input(
                    _("From"), value=item.minimum, step=1, key=f"{key}_min",
                    disabled=not editable, placeholder=_("no minimum"),
                )  # fmt: skip
                maximum = high.number_input(
                    _("To"), value=item.maximum, step=1, key=f"{key}_max",
                    disabled=not editable, placeholder=_("no maximum"),
                )  # fmt: skip
                entry = criteria.CriterionInput(
                    item.field,
                    int(weight),
                    minimum=None if minimum is None else int(minimum),
                    maximum=None if maximum is None else int(maximum),
                )
            else:
                chosen = st.session_state.get(f"{key}_values", [])
                present = preview.present_values(base, item.field)
                options = list(dict.fromkeys([*item.accepted, *chosen, *present]))
                accepted = st.multiselect(
                    _("Accepted values (type to add one)"),
                    options,
                    default=list(item.accepted),
                    key=f"{key}_values",
                    accept_new_options=True,
                    disabled=not editable,
                )
                entry = criteria.CriterionInput(item.field, int(weight), tuple(accepted))
            inputs.append(entry)
            slots[item.field.value] = st.empty()

checked = criteria.check_inputs(inputs, int(threshold))
for field, message in checked.errors.items():
    slots[field].error(_(message), icon=":material/error:")

with shown:
    st.subheader(_("Live preview"))
    if checked.definition is None:
        st.warning(_("Fix the fields marked in red to see the preview."))
    else:
        proposal = checked.definition
        in_force = governing.content.mql
        result = comparison(ready, in_force, proposal)
        now_col, before_col, total_col = st.columns(3)
        now_col.metric(
            _("Proposed"),
            num(result.proposed),
            delta=signed(result.proposed - result.in_force),
            border=True,
        )
        before_col.metric(
            _("Under v{n} in force").format(n=num(governing.version.number)),
            num(result.in_force),
            border=True,
        )
        total_col.metric(_("Leads scored"), num(result.total), border=True)
        if result.proposed == 0 and result.total:
            st.warning(_("No stored lead reaches this threshold."))
        reps = headcount(staff)[Role.SALES_REP]
        views = {"source": _("By source"), "marketer": _("By marketer"),
                 "month": _("Per month"), "rep": _("Per rep")}  # fmt: skip
        view = st.segmented_control(
            _("Break down"), list(views), format_func=views.__getitem__, default="source",
            key="criteria_view", label_visibility="collapsed",
        ) or "source"  # fmt: skip
        if view == "rep":
            load = preview.rep_load(result.breakdown["month"], reps, governing.content.targets)
            st.caption(
                _("MQLs per month spread over {reps} active reps, against the caps.").format(
                    reps=num(reps)
                )
            )
            tables.dataframe(
                load,
                hide_index=True,
                key="criteria_rep_load",
                column_config={
                    "month": _("Month"),
                    "mqls": _("MQLs proposed"),
                    "per_rep": _("Per rep"),
                    "min": _("Min"),
                    "max": _("Max"),
                    "verdict": _("Against the caps"),
                },
            )
        else:
            if view == "month":
                months = result.breakdown["month"]
                st.vega_lite_chart(
                    spec=memo_chart(
                        current_snapshot().memo,
                        ("criteria_months", months.to_json(date_format="iso")),
                        lambda: marketing_charts.preview_months(months, _),
                    ),
                    key="criteria_months",
                )
            tables.dataframe(
                result.breakdown[view],
                hide_index=True,
                key=f"criteria_by_{view}",
                column_config=COLUMNS,
            )

        st.subheader(_("Explain one lead"))
        wanted = st.text_input(_("Lead e-mail, key or id"), key="criteria_explain")
        if wanted.strip():
            lead = preview.find_lead(leads_for(None), wanted)
            if lead is None:
                st.warning(_("No lead matches {what}.").format(what=plain(wanted.strip())))
            else:
                explained = preview.explain(lead, proposal)
                total, is_mql = preview.verdict(explained, proposal.threshold)
                named = {f.value: _(label) for f, label in criteria.LABELS.items()}
                tables.dataframe(
                    explained.assign(criterion=explained["criterion"].map(named)),
                    hide_index=True,
                    key="criteria_explained",
                    column_config={
                        "criterion": _("Criterion"),
                        "value": _("Value"),
                        "met": _("Met"),
                        "points": _("Points"),
                        "of": _("Of"),
                    },
                )
                verdict = _("an MQL") if is_mql else _("not an MQL")
                st.text(
                    _("{total} of {threshold} points needed: {verdict}.").format(
                        total=num(total), threshold=num(proposal.threshold), verdict=verdict
                    )
                )

        if editable:
            draft_editor.save_button(
                _("Save to the draft"),
                content=draft_content.model_copy(update={"mql": proposal}),
                sections=("mql",),
                changes=criteria.describe_changes(draft_content.mql, proposal),
                action="edit_mql_criteria",
                actor=user,
            )

st.divider()
st.subheader(_("Suggestions from outcomes"))
st.caption(
    _(
        "Learned from leads whose outcome is known: the older three quarters propose, "
        "the newest quarter judges. Nothing changes until you put it in the editor and save."
    )
)
open_as_lost = st.checkbox(
    _("Count leads still open as not won (for files that only mark conversions)"),
    key="criteria_open_as_lost",
)
if st.button(_("Suggest criteria from outcomes"), key="criteria_suggest"):
    try:
        st.session_state["criteria_suggestion"] = suggestions.suggest(
            leads_for(None), governing.content.mql, open_as_not_won=open_as_lost
        )
    except suggestions.NotEnoughOutcomes as exc:
        st.session_state.pop("criteria_suggestion", None)
        st.warning(_("No suggestion: {why}.").format(why=clause(exc)), icon=":material/info:")
suggestion = st.session_state.get("criteria_suggestion")
if suggestion is not None:
    st.text(
        _("Learned on {train} leads, checked on the {test} newest.").format(
            train=num(suggestion.trained_on), test=num(suggestion.held_out)
        )
    )
    tables.dataframe(suggestion.evaluation, hide_index=True, key="criteria_evaluation")
    for line in criteria.describe_changes(draft_content.mql, suggestion.definition):
        st.caption(plain(line))
    if editable:
        st.button(
            _("Put the suggestion in the editor"),
            key="criteria_accept",
            on_click=draft_editor.load,
            args=(suggestion.definition,),
        )
    with st.expander(_("Lift of every criterion value")):
        tables.dataframe(suggestion.lifts, hide_index=True, key="criteria_lifts")

if can(user, Permission.IMPORT_LEADS):
    st.divider()
    st.subheader(_("Re-qualify the backlog"))
    st.caption(
        _(
            "A new definition applies to leads scored from now on. Leads still at stage lead "
            "keep the verdict of the definition they were scored under, until you re-qualify "
            "them here under the one in force. They are counted as re-qualified, beside the "
            "month's new MQLs."
        )
    )
    show_flash("criteria.requalify")
    if st.button(_("Preview re-qualification"), key="criteria_requalify_preview"):
        with session_scope(get_engine()) as session:
            st.session_state["requalify_preview"] = qualification.requalify_preview(
                session=session, actor=user
            )
    ahead = st.session_state.get("requalify_preview")
    if ahead is not None:
        st.text(
            _("{n} of {m} leads at stage lead would become MQLs (threshold {t}).").format(
                n=num(ahead.result.qualified),
                m=num(ahead.result.candidates),
                t=num(ahead.result.threshold),
            )
        )
        tables.dataframe(
            ahead.months,
            hide_index=True,
            key="criteria_requalify_months",
            column_config={"month": _("Created in"), "leads": _("Leads")},
        )
        tables.dataframe(
            ahead.load,
            hide_index=True,
            key="criteria_requalify_load",
            column_config={
                "id": None,
                "name": _("Rep"),
                "month": _("Leads this month"),
                "would_get": _("Would receive"),
                "month_after": _("Leads this month after"),
            },
        )
        if ahead.unrouted:
            st.caption(
                _("{n} would wait unassigned: every rep is at the monthly max.").format(
                    n=num(ahead.unrouted)
                )
            )
        if st.button(
            _("Re-qualify {n} leads").format(n=num(ahead.result.qualified)),
            key="criteria_requalify_apply",
            type="primary",
            disabled=ahead.result.qualified == 0,
        ):
            with session_scope(get_engine()) as session:
                done = qualification.requalify(session=session, actor=user)
            st.session_state.pop("requalify_preview", None)
            flash(
                "criteria.requalify",
                _("{n} leads re-qualified as MQLs.").format(n=num(done.qualified)),
                icon=":material/check:",
            )
            st.rerun()
