"""The workshop page's actions: comments per section, signing, exports and the PDF check."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from sla_core import agreement
from sla_core.access import Permission, can
from sla_core.agreement import completeness, discussion, export, signing, verify
from sla_core.agreement.pdf import fully_signed
from sla_core.agreement.wording import ROLE_NAMES
from sla_core.clock import now
from sla_core.db import session_scope
from sla_core.models import AgreementVersion, Role, User
from ui.data import STORAGE_ERRORS, current_user, get_engine, leads_for, storage_problem
from ui.flash import flash
from ui.i18n import _, language, num, when
from ui.widgets import plain


def _key(version: AgreementVersion, section: str, part: str) -> str:
    return f"ws_{version.id}_{section}_{part}"


def comments_of(version: AgreementVersion, section: str) -> None:
    """The section's comments and a box to add one."""
    with session_scope(get_engine()) as session:
        remarks = discussion.comments(session=session, version_id=version.id or 0, section=section)
    for remark in remarks:
        st.text(
            _("{author}, {when}: {text}").format(
                author=remark.author, when=when(remark.at), text=remark.text
            )
        )
    st.text_input(_("Add a comment"), key=_key(version, section, "comment"))
    st.button(
        _("Comment"),
        key=_key(version, section, "comment_send"),
        on_click=_comment,
        args=(version, section),
    )


def _comment(version: AgreementVersion, section: str) -> None:
    box = _key(version, section, "comment")
    try:
        with session_scope(get_engine()) as session:
            discussion.add_comment(
                session=session,
                version_id=version.id or 0,
                section=section,
                text=st.session_state.get(box, ""),
                actor=current_user(session),
            )
    except (ValueError, PermissionError, LookupError) as exc:
        flash("workshop", plain(exc), kind="error")
        return
    except STORAGE_ERRORS as exc:
        flash("workshop", storage_problem(exc), kind="error")
        return
    st.session_state[box] = ""


def sign_buttons(
    user: User,
    version: AgreementVersion,
    status: agreement.VersionStatus,
    missing: list[str],
    signed_at: datetime | None,
) -> None:
    """Ask for signatures, or sign as the user's role; both bound to the hash shown now.

    An incomplete version shows what it still lacks, and neither button works until it is
    complete (sla_core refuses too); a signer who signed this content sees when instead.
    """
    if missing and status is not agreement.VersionStatus.SIGNED:
        st.warning(_("Not ready to sign: this version is not complete. Still missing:"))
        st.markdown("\n".join(f"- {plain(_(line))}" for line in missing))
    if status is agreement.VersionStatus.DRAFT:
        st.button(
            _("Ask for signatures (send to review)"),
            key="ws_request_review",
            on_click=_sign_action,
            args=("review", version.id or 0, version.content_hash),
            disabled=bool(missing),
        )
    if status in (agreement.VersionStatus.SIGNED, agreement.VersionStatus.SUPERSEDED):
        st.success(_("This version is fully signed. Editing any section starts a new draft."))
        return
    if signed_at is not None:
        st.success(_("Signed by you on {when}.").format(when=when(signed_at)))
        return
    if can(user, Permission.SIGN_AGREEMENT):
        st.button(
            _("Sign version {number} as {role}").format(
                number=num(version.number), role=_(ROLE_NAMES[Role(user.role)])
            ),
            key="ws_sign",
            type="primary",
            on_click=_sign_action,
            args=("sign", version.id or 0, version.content_hash),
            disabled=bool(missing),
        )


def _sign_action(action: str, version_id: int, seen_hash: str) -> None:
    try:
        with session_scope(get_engine()) as session:
            actor = current_user(session)
            if action == "sign":
                signing.sign(
                    session=session, version_id=version_id, seen_hash=seen_hash, actor=actor
                )
            else:
                signing.request_review(
                    session=session, version_id=version_id, seen_hash=seen_hash, actor=actor
                )
    except completeness.Incomplete as exc:
        lines = "\n".join(f"- {plain(_(line))}" for line in exc.missing)
        refused = _("Not ready to sign: this version is not complete. Still missing:")
        flash("workshop", f"{refused}\n\n{lines}", kind="error")
        return
    except (agreement.StaleRevision, PermissionError, LookupError) as exc:
        flash("workshop", plain(exc), kind="error")
        return
    except STORAGE_ERRORS as exc:
        flash("workshop", storage_problem(exc), kind="error")
        return
    done = _("Signed.") if action == "sign" else _("Sent to review.")
    flash("workshop", done)


def export_and_verify(user: User, numbers: list[int], in_force: int) -> None:
    """Downloads of any version (by default the one in force, else the newest draft; a
    version not fully signed carries its DRAFT mark), and a PDF check."""
    st.subheader(_("Export"))
    if not can(user, Permission.EXPORT_REPORTS):
        st.caption(_("Your role may not export the agreement."))
    else:
        number = st.selectbox(
            _("Version to export"),
            numbers,
            index=numbers.index(in_force) if in_force in numbers else 0,
            format_func={
                n: _("Version {number}").format(number=num(n)) for n in numbers
            }.__getitem__,
            key="ws_export_version",
        )
        if st.button(_("Prepare the PDF and Markdown"), key="ws_export"):
            _downloads(number)
    st.subheader(_("Verify a PDF"))
    upload = st.file_uploader(
        _("Is this PDF a signed version of our agreement?"), type=None, key="ws_verify"
    )
    if upload is not None:
        with session_scope(get_engine()) as session:
            verdict = verify.verify_pdf(session=session, data=upload.getvalue())
        if verdict.valid:
            st.success(_("Valid: {reason}.").format(reason=plain(_(verdict.reason))))
        else:
            st.error(_("Not valid: {reason}.").format(reason=plain(_(verdict.reason))))


def _downloads(number: int) -> None:
    """The PDF and Markdown of version `number`, each put on record by sla_core."""
    with session_scope(get_engine()) as session:
        actor = current_user(session)
        frame = leads_for(None)
        data, manifest = export.export_pdf(
            session=session, number=number, leads=frame, ref=now(), actor=actor,
            language=language(),
        )  # fmt: skip
        text = export.export_markdown(
            session=session, number=number, leads=frame, ref=now(), actor=actor,
            language=language(),
        )  # fmt: skip
    name = f"sla-v{manifest.cover.number}"
    st.caption(
        _("Version {number}, {status}.").format(
            number=num(manifest.cover.number), status=_(manifest.cover.status)
        )
    )
    if not fully_signed(manifest.cover):
        st.caption(_("Not signed: every page of the PDF is marked DRAFT, for circulation."))
    left, right = st.columns(2)
    left.download_button(
        _("Download the PDF"), data, f"{name}.pdf", "application/pdf", key="ws_pdf"
    )
    right.download_button(_("Download Markdown"), text, f"{name}.md", "text/markdown", key="ws_md")
