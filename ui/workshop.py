"""The workshop page's section editors: each section saves on its own.

A text section remembers the value and revision it was opened at (its base); while the
text box is untouched it follows the database, and a save sends the base along so that
sla_core can merge with other sections or refuse a real conflict with both texts.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import streamlit as st

from sla_core import agreement
from sla_core.agreement import resign, sections
from sla_core.agreement.figures import History
from sla_core.agreement.wording import CADENCE_NAMES, ROLE_NAMES
from sla_core.db import session_scope
from sla_core.models import AgreementVersion, Role
from sla_core.terms import AgreementContent, ReviewCadence
from sla_core.terms.defaults import kept_stage_definitions, shown_stage_definitions
from ui import workshop_terms as terms
from ui.data import STORAGE_ERRORS, current_user, get_engine, storage_problem
from ui.dates import date_input
from ui.flash import flash
from ui.i18n import _, language, stage_label
from ui.widgets import plain


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:10]


def _key(version: AgreementVersion, section: str, part: str) -> str:
    return f"ws_{version.id}_{section}_{part}"


def _save(
    version: AgreementVersion,
    section: str,
    base: Any,
    revision: int,
    value: Any,
    confirmed: bool = False,
) -> None:
    """Save one section (a button callback); a conflict is kept to show both texts.

    A save that would void signatures is held until the editor confirms, having been told
    who will have to sign again (`_pending_warning`).
    """
    conflict = _key(version, section, "conflict")
    try:
        with session_scope(get_engine()) as session:
            names = resign.would_void(session=session, version_id=version.id or 0)
            if names and not confirmed:
                st.session_state[_key(version, section, "pending")] = {
                    "names": names, "args": (base, revision, value)
                }  # fmt: skip
                return
            saved = sections.save_section(
                session=session,
                version_id=version.id or 0,
                revision=revision,
                section=section,
                base=base,
                value=value,
                actor=current_user(session),
            )
    except sections.StaleSection as exc:
        st.session_state[conflict] = {
            "theirs": exc.theirs,
            "revision": exc.revision,
            "by": exc.saved_by,
        }
        return
    except (agreement.StaleRevision, ValueError, PermissionError, LookupError) as exc:
        flash("workshop", plain(exc), kind="error")
        return
    except STORAGE_ERRORS as exc:
        flash("workshop", storage_problem(exc), kind="error")
        return
    st.session_state.pop(conflict, None)
    st.session_state.pop(_key(version, section, "pending"), None)
    if isinstance(value, str):
        st.session_state[_key(version, section, "base")] = (value, saved.version.revision)
    note = _("Saved; merged with the other sections people saved meanwhile.")
    flash("workshop", note if saved.merged else _("Saved."))
    if saved.version.id != version.id:
        message = _("Version {number} was signed, so your change started draft {new}.")
        flash(
            "workshop",
            message.format(number=version.number, new=saved.version.number),
            kind="info",
        )


def text_section(version: AgreementVersion, content: AgreementContent, section: str) -> None:
    """A text box that follows the database until edited, with conflict handling."""
    stored = sections.section_value(content, section)
    text_key, base_key = _key(version, section, "text"), _key(version, section, "base")
    base, revision = st.session_state.get(base_key, (stored, version.revision))
    if st.session_state.get(text_key, base) == base:  # untouched: follow the database
        base, revision = stored, version.revision
        st.session_state[text_key] = stored
    st.session_state[base_key] = (base, revision)
    conflict = st.session_state.get(_key(version, section, "conflict"))
    if conflict:
        st.warning(_conflict_note(conflict, _("Merge below.")))
        theirs, mine = st.columns(2)
        theirs.text_area(
            _("Their text (saved)"),
            value=conflict["theirs"],
            disabled=True,
            key=_key(version, section, "theirs"),
        )
        with mine:
            st.text_area(_("Your text: edit it into the merged text"), key=text_key, height=160)
        left, right = st.columns(2)
        left.button(
            _("Save the merged text"),
            key=_key(version, section, "save_merged"),
            on_click=_save_merged,
            args=(version, section),
        )
        right.button(
            _("Discard mine, keep theirs"),
            key=_key(version, section, "keep_theirs"),
            on_click=_keep_theirs,
            args=(version, section, conflict["theirs"], conflict["revision"]),
        )
        return
    st.text_area(_("Answer"), key=text_key, height=140, label_visibility="collapsed")
    st.button(
        _("Save this section"),
        key=_key(version, section, "save"),
        on_click=_save_text,
        args=(version, section),
    )
    _pending_warning(version, section)


def _pending_warning(version: AgreementVersion, section: str) -> None:
    """The held save: who will have to sign again, and whether to save anyway."""
    pending = st.session_state.get(_key(version, section, "pending"))
    if not pending:
        return
    names = ", ".join(plain(name) for name in pending["names"])
    st.warning(
        _("Saving voids the signatures already given: {names} will have to sign again, and "
          "each of them is told what changed.").format(names=names)
    )  # fmt: skip
    left, right = st.columns(2)
    left.button(
        _("Save and void the signatures"),
        key=_key(version, section, "confirm"),
        type="primary",
        on_click=_save,
        args=(version, section, *pending["args"], True),
    )
    right.button(
        _("Keep the signatures (do not save)"),
        key=_key(version, section, "cancel"),
        on_click=st.session_state.pop,
        args=(_key(version, section, "pending"), None),
    )


def _conflict_note(conflict: dict[str, Any], then: str) -> str:
    """Who saved the other text (escaped: a name is data), then what to do."""
    if conflict.get("by"):
        said = _("{name} saved this section since you opened it.").format(
            name=plain(conflict["by"])
        )
    else:
        said = _("Someone else saved this section since you opened it.")
    return f"{said} {then}"


def _save_text(version: AgreementVersion, section: str) -> None:
    base, revision = st.session_state[_key(version, section, "base")]
    _save(version, section, base, revision, st.session_state[_key(version, section, "text")])


def _keep_theirs(version: AgreementVersion, section: str, theirs: str, revision: int) -> None:
    st.session_state[_key(version, section, "text")] = theirs
    st.session_state[_key(version, section, "base")] = (theirs, revision)
    st.session_state.pop(_key(version, section, "conflict"), None)


def _save_merged(version: AgreementVersion, section: str) -> None:
    conflict = st.session_state[_key(version, section, "conflict")]
    text = st.session_state[_key(version, section, "text")]
    _save(version, section, conflict["theirs"], conflict["revision"], text)


def structured_section(
    version: AgreementVersion,
    content: AgreementContent,
    section: str,
    kind: str,
    history: History | None,
) -> None:
    """Numbers, choices and stage texts: widgets keyed by the stored value, one save.

    The widgets sit in a form, so the save sees what was typed last: a button callback
    would be handed the values of the run before (a number typed, then Save clicked at
    once, saved the old number).
    """
    stored = sections.section_value(content, section)
    tag = _digest(stored)
    conflict = st.session_state.get(_key(version, section, "conflict"))
    if conflict:
        st.warning(_conflict_note(conflict, _("Their text:")))
        st.json(conflict["theirs"])
    with st.form(_key(version, section, f"form_{tag}"), border=False):
        value = _widgets(version, section, kind, stored, tag, history)
        saved = st.form_submit_button(
            _("Save this section"), key=_key(version, section, f"save_{tag}")
        )
    _pending_warning(version, section)
    if saved:
        _save(version, section, stored, version.revision, value)
        st.rerun()


def _widgets(
    version: AgreementVersion,
    section: str,
    kind: str,
    stored: Any,
    tag: str,
    history: History | None,
) -> Any:
    def key(part: str) -> str:
        return _key(version, section, f"{part}_{tag}")

    if kind == "enforcement":
        return terms.enforcement(stored, key)
    if kind == "parties":
        return terms.parties(stored, key)
    if kind == "review":
        cadence = st.selectbox(
            _("Cadence"),
            list(ReviewCadence),
            index=list(ReviewCadence).index(ReviewCadence(stored["cadence"])),
            format_func={c: _(CADENCE_NAMES[c]) for c in ReviewCadence}.__getitem__,
            key=key("cadence"),
        )
        when = date_input(
            _("Next review"),
            value=date.fromisoformat(stored["next_review"]) if stored["next_review"] else None,
            key=key("next"),
        )
        chosen = cadence or ReviewCadence(stored["cadence"])
        return {"cadence": chosen.value, "next_review": when.isoformat() if when else None}
    if kind == "signers":
        return st.multiselect(
            _("Roles that must sign"),
            [role.value for role in Role],
            default=list(stored),
            format_func={r.value: _(ROLE_NAMES[r]) for r in Role}.__getitem__,
            key=key("roles"),
        )
    if kind == "stages":
        # a definition still stored as a default reads in the reader's language; left as
        # shown, it keeps what is stored (a translation is not a change)
        shown = shown_stage_definitions(stored, language())
        typed = {
            stage: st.text_input(stage_label(stage), value=text, key=key(stage))
            for stage, text in shown.items()
        }
        return kept_stage_definitions(stored, shown, typed)
    return terms.numbers(
        terms.TARGET_FIELDS if kind == "targets" else terms.WINDOW_FIELDS, stored, key, history
    )
