"""One editor of agreement sections on the working draft (the MQL criteria, the targets).

Both pages open the working draft, keep what the person loads into the editor (a
suggestion, the calculator's plan) in session state until they save, key their widgets by
the draft's revision (a save, anyone's, gives fresh widgets), save with the revision they
opened (a stale one is refused and nothing is saved), and say "Saved to draft vN." after
the rerun. `DraftEditor` does that once; the page draws its own fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st
from sqlmodel import Session

from sla_core import agreement
from sla_core.db import session_scope
from sla_core.marketing import drafting
from sla_core.models import AgreementVersion, User
from sla_core.terms import AgreementContent
from ui.data import get_engine
from ui.flash import flash, show_flash
from ui.i18n import _, num
from ui.widgets import plain


@dataclass(frozen=True)
class DraftEditor:
    """The editor `name` (the prefix of its session-state and widget keys) on `draft`.

    `signed`: the draft is the signed version (saving then opens the next draft);
    `content`: the draft's content as opened.
    """

    name: str
    draft: AgreementVersion
    signed: bool
    content: AgreementContent

    @classmethod
    def open(cls, name: str, *, session: Session) -> DraftEditor:
        """The editor on the working draft, as stored now."""
        draft, signed = drafting.working_draft(session=session)
        return cls(name, draft, signed, agreement.load_content(draft))

    @property
    def stamp(self) -> str:
        """Names this revision of the draft in widget keys: a saved change renews them."""
        return f"{self.draft.id}_{self.draft.revision}"

    @property
    def generation(self) -> int:
        """How many times something was loaded into the editor (fresh widgets each time)."""
        return int(st.session_state.get(f"{self.name}_generation", 0))

    def loaded(self) -> Any:
        """What was last loaded into the editor and not saved yet (None: nothing)."""
        return st.session_state.get(f"{self.name}_loaded")

    def load(self, value: object) -> None:
        """Put `value` in fresh editor widgets (a button's callback); saving stays a click away."""
        st.session_state[f"{self.name}_loaded"] = value
        st.session_state[f"{self.name}_generation"] = self.generation + 1

    def header(self) -> None:
        """Which draft is edited, and the outcome of the last save."""
        if self.signed:
            st.caption(
                _("Version {n} is signed; saving opens draft {m} with your changes.").format(
                    n=num(self.draft.number), m=num(self.draft.number + 1)
                )
            )
        else:
            st.caption(
                _("Editing draft v{n} (revision {r}).").format(
                    n=num(self.draft.number), r=num(self.draft.revision)
                )
            )
        show_flash(self.name)

    def save_button(
        self,
        label: str,
        *,
        content: AgreementContent,
        sections: tuple[str, ...],
        changes: list[str],
        action: str,
        actor: User,
    ) -> None:
        """A save button (disabled without `changes`), then the changes, one line each.

        Saves `sections` of `content` with the revision opened, forgets what was loaded and
        reruns; a draft changed meanwhile is refused with the reason, nothing saved.
        """
        if st.button(label, key=f"{self.name}_save", type="primary", disabled=not changes):
            try:
                with session_scope(get_engine()) as session:
                    saved = drafting.save_edit(
                        session=session,
                        version_id=self.draft.id or 0,
                        revision=self.draft.revision,
                        opened=self.content,
                        content=content,
                        sections=sections,
                        summary=changes,
                        action=action,
                        actor=actor,
                    )
                    number = saved.number
                flash(
                    self.name,
                    _("Saved to draft v{n}.").format(n=num(number)),
                    icon=":material/check:",
                )
                st.session_state.pop(f"{self.name}_loaded", None)
                st.rerun()
            except agreement.StaleRevision as exc:
                st.error(plain(exc), icon=":material/sync_problem:")
        for line in changes:
            st.caption(plain(_(line)))
