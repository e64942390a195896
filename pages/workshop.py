"""The SLA workshop: draft the agreement section by section, sign it, compare versions."""

import pandas as pd
import streamlit as st

from sla_core import agreement, org
from sla_core.access import Permission, can
from sla_core.agreement import (
    board,
    completeness,
    discussion,
    document,
    figures,
    resign,
    reviews,
    revisions,
)
from sla_core.agreement.wording import ROLE_NAMES, Wording
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import Role
from sla_core.sla.context import load_setup
from sla_core.terms import AgreementContent
from ui import tables
from ui import workshop as ws
from ui import workshop_actions as actions
from ui import workshop_history as diffs
from ui.data import current_snapshot, current_user, get_engine
from ui.flash import show_flash
from ui.i18n import _, calendar, language, num
from ui.navigation import framed
from ui.widgets import agreement_banner

framed()

with session_scope(get_engine()) as session:
    user = current_user(session)
    if not can(user, Permission.EDIT_AGREEMENT):
        st.error(_("Your role may not open the agreement workshop."))
        st.stop()
    version = agreement.working_version(session=session, language=language())
    content = agreement.load_content(version)
    status = board.status_of(session=session, version=version)
    missing = completeness.missing(content)
    voided = resign.notices_for(session=session, user=user)
    signed_at = board.signed_by(session=session, version=version, user=user)
    signers = board.signer_rows(session=session, version=version)
    governing = agreement.governing_version(session=session)
    settings = org.load_org_settings(session=session)
    setup = load_setup(session=session)
    versions = agreement.all_versions(session=session)
    changes = discussion.history(session=session, limit=100)
    texts = {v.number: agreement.load_content(v) for v in versions}
    names = board.names(session=session)
    saved = [
        diffs.SavedText(
            diffs.revision_label(version.number, r.revision, names.get(r.saved_by), r.saved_at),
            AgreementContent.model_validate_json(r.content),
        )
        for r in revisions.of_version(session=session, version_id=version.id or 0)
    ]

snap = current_snapshot()
ref = now()
# last quarter's figures: once per data revision, minute and settings (a rerun only draws);
# a write or a new minute judges again only the leads it changed and the clocks still running
with session_scope(get_engine()) as session:  # the kept breaches, read when computed
    history = figures.memo_last_quarter(
        snap.frame, actor=user, memo=snap.memo, ref=ref, content=content, setup=setup,
        calendar=calendar(),  # last quarter as the reader counts quarters (fa: Jalali seasons)
        session=session, earlier=snap.earlier, delta=snap.delta,  # a new minute: carried on
    )  # fmt: skip

st.title(_("SLA workshop"))
agreement_banner(governing)
st.caption(
    _("Editing version {number} ({status}). Each section saves on its own.").format(
        number=num(version.number), status=_(board.STATUS_TEXT[status])
    )
)
reminder = reviews.reminder_for(governing.content, now().date(), str(user.role))
if reminder:
    st.warning(_(reminder.text), icon=":material/event:")
diffs.voided_notices(voided)
show_flash("workshop")

# A radio, not st.tabs: the chosen view survives the rerun a button click causes, and
# only that view is drawn.
VIEWS = {
    "draft": _("Draft"),
    "sign": _("Sign"),
    "history": _("Changes and diff"),
    "export": _("Export and verify"),
}
view = st.radio(
    _("View"),
    list(VIEWS),
    format_func=VIEWS.__getitem__,
    horizontal=True,
    key="ws_view",
    label_visibility="collapsed",
)

if view == "draft":
    for number, (section, title, kind) in enumerate(board.GUIDE, start=1):
        with st.expander(
            _("{number}. {question}").format(number=num(number), question=_(title)),
            expanded=False,
        ):
            for line in board.figures_beside(section, content, history):
                st.caption(_(line))
            if section == "workshop.mql_definition":
                table = document.criteria_table(content, Wording(language()))
                tables.dataframe(pd.DataFrame(table.rows, columns=table.headers), hide_index=True)
                st.caption(
                    _(
                        "Threshold: {threshold} points. Edit the criteria on the Criteria page."
                    ).format(threshold=num(content.mql.threshold))
                )
            if kind == "text":
                ws.text_section(version, content, section)
            else:
                ws.structured_section(version, content, section, kind, history)
            st.divider()
            actions.comments_of(version, section)

elif view == "sign":
    st.subheader(_("Signatures on version {number}").format(number=num(version.number)))
    tables.dataframe(
        pd.DataFrame(
            [
                {
                    _("Role"): _(ROLE_NAMES[Role(row.role)]),
                    _("Signed by"): row.name or "—",
                    _("When (UTC)"): f"{row.signed_at:%Y-%m-%d %H:%M}" if row.signed_at else "—",
                }
                for row in signers
            ]
        ),
        hide_index=True,
        key="ws_signers",
        instants={_("When (UTC)"): pd.Series([row.signed_at for row in signers], dtype=object)},
    )
    # the hash in a code span: Latin hex digits by nature, read left to right in any language
    st.markdown(_("Content hash: {hash}").format(hash=f"`{version.content_hash}`"))
    actions.sign_buttons(user, version, status, missing, signed_at)

elif view == "history":
    between = st.radio(
        _("Compare"),
        ["versions", "revisions"],
        format_func={
            "versions": _("Between versions"),
            "revisions": _("Between saved revisions of version {number}").format(
                number=num(version.number)
            ),
        }.__getitem__,
        horizontal=True,
        key="ws_diff_between",
    )
    if between == "versions":
        diffs.pick_and_compare(
            [
                diffs.SavedText(_("Version {number}").format(number=num(n)), text)
                for n, text in texts.items()
            ],
            "ws_diff",
        )
    elif len(saved) < 2:
        st.caption(_("This version has one saved revision so far: nothing to compare yet."))
    else:
        diffs.pick_and_compare(saved, "ws_rev")
    diffs.who_changed_what(changes)

else:
    actions.export_and_verify(user, [v.number for v in versions], governing.version.number)
