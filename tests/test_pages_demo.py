"""AppTest: the demo's passwords, shown once after setup, copy in one click (st.code) and
download as CSV (through sla_core.exporting)."""

from __future__ import annotations

import io

import pandas as pd
from streamlit.testing.v1 import AppTest

from sla_core.exporting import safe_csv
from sla_core.people import first_run
from tests.test_pages import ROOT, app_url, template_db  # noqa: F401 (fixtures)

PASSWORDS = {"salesrep": "Lp-rep-pw#1", "admin": "=HYPERLINK(1)"}


def test_the_passwords_copy_and_download_in_one_click(app_url: str) -> None:  # noqa: F811
    at = AppTest.from_file(str(ROOT / "pages" / "setup.py"), default_timeout=30)
    at.session_state["setup_done"] = {
        "admin": "admin", "passwords": PASSWORDS, "leads": 3, "demo_error": None,
    }  # fmt: skip
    at.run()
    assert not at.exception
    (copied,) = [c.value for c in at.code]
    lines = copied.splitlines()
    assert lines[0].split() == ["username", "name", "role", "team", "password"]
    assert [line.split()[0] for line in lines[1:]] == ["admin", "salesrep"]  # by role
    assert all(p in copied for p in PASSWORDS.values())
    (download,) = at.get("download_button")
    assert download.proto.label == "Download the passwords (CSV)"
    sheet = first_run.login_sheet(PASSWORDS, pd.DataFrame(columns=["username", "name", "role",
                                                                   "team"]))  # fmt: skip
    read = pd.read_csv(io.BytesIO(safe_csv(sheet)), encoding="utf-8-sig")
    assert read["password"].tolist() == ["'=HYPERLINK(1)", "Lp-rep-pw#1"]  # no formula
