"""Issue 19.10, words not identifiers: no internal name reaches a reader.

Every page of the registry is rendered (AppTest) for every role on the demo world, its
main tabs, expanders and selections opened, and every string a reader sees is collected:
titles, headers, captions, markdown, texts, alerts, metric labels and values, widget
labels, options, placeholders and help, table headers and the text in table cells, and
the titles, axis and legend titles and the categories of every chart (read from the Vega
spec). A snake_case token (`on_track`, `company_size`, `actor_id`) or an enum value shown
raw (`sal`, `mqls`) fails the test, naming the page, the role and where it was seen.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import FileUploader

from sla_core import agreement, db
from sla_core.access import system_actor
from sla_core.agreement import signing
from sla_core.db import session_scope
from sla_core.demo.world import PEOPLE, load_demo
from sla_core.models import Role, User
from sla_core.people import users
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ADMIN, ADMIN_PASSWORD = "boss", "Boss#2026x"
LEADS = 1_500

# An internal name: lower-case words joined by underscores.
SNAKE = re.compile(r"(?<![\w.-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")
# Stage keys shown raw: a reader sees "MQL", "SAL", "SQL".
RAW_ENUMS = re.compile(r"(?<![\w.-])(?:mqls?|sals?|sqls?)(?![\w-])")
# What is not an identifier though it may hold an underscore: an e-mail address, a URL,
# a file name a person typed or uploaded, a Material icon name (":material/table_rows:").
NOT_WORDS = re.compile(
    r"[\w.+-]+@[\w.-]+"  # e-mail address
    r"|\b(?:https?|postgresql|sqlite)://\S+"  # URL, database address
    r"|[\w.-]+\.(?:csv|xlsx|xls|pdf|md|json|txt)\b"  # file name
    r"|:material/\w+:"  # icon
    r"|`python -m sla_core [^`]*`"  # a command the reader types (the Import page's large files)
)
# Boxes that show a message: each is a sentence (a domain error shown raw starts in lower case).
ALERTS = {"error", "warning", "info", "success"}
# Keys of the proto messages that carry words a reader sees.
READER_FIELDS = {
    "body", "label", "help", "placeholder", "options", "captions", "delta",
    "delta_description", "title", "text", "content", "name",
}  # fmt: skip


def offenders(text: str) -> list[str]:
    """The identifier-like tokens in `text` (Markdown escapes undone first)."""
    text = NOT_WORDS.sub(" ", str(text).replace("\\", ""))
    return SNAKE.findall(text) + RAW_ENUMS.findall(text)


# ---------------------------------------------------------------- what a reader sees


def proto_strings(proto: Any) -> Iterator[str]:
    """The reader fields of one element's or block's proto (nested messages included)."""
    for field, value in proto.ListFields():
        items = [value] if isinstance(value, str) or hasattr(value, "ListFields") else value
        if field.message_type is not None:
            for item in items:
                yield from proto_strings(item)
        elif field.name in READER_FIELDS and field.type == field.TYPE_STRING:
            yield from items


def table_strings(frame: Any) -> Iterator[tuple[str, str]]:
    """A table's visible headers and the text in its cells."""
    config = json.loads(frame.proto.columns or "{}")
    order = list(frame.proto.column_order)
    data = frame.value
    for position, column in enumerate(data.columns):
        conf = config.get(str(column)) or config.get(f"_pos:{position}") or {}
        if conf.get("hidden") or (order and str(column) not in order):
            continue
        yield "table header", str(conf.get("label") or column)
        for option in (conf.get("type_config") or {}).get("options") or []:
            yield f"table choice ({conf.get('label') or column})", str(option)
        if data[column].dtype == object or pd.api.types.is_string_dtype(data[column]):
            for value in data[column].dropna().astype(str).unique()[:200]:
                yield f"table cell ({conf.get('label') or column})", value


def chart_data(proto: Any) -> dict[str, list[dict[str, Any]]]:
    """The rows a chart draws: Streamlit sends them beside the spec, as Arrow."""
    parts = [proto.data] if proto.HasField("data") else []
    parts += [named.data for named in proto.datasets]
    return {
        str(number): convert_arrow_bytes_to_pandas_df(part.data).to_dict("records")
        for number, part in enumerate(parts)
        if part.data
    }


def chart_strings(
    spec: dict[str, Any], rows: dict[str, list[dict[str, Any]]]
) -> Iterator[tuple[str, str]]:
    """A Vega-Lite chart's titles, axis and legend titles and categories."""
    datasets: dict[str, list[dict[str, Any]]] = dict(spec.get("datasets") or {}) | rows
    folds: dict[str, list[str]] = {}

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        if isinstance(node, list):
            for item in node:
                yield from walk(item)
        if not isinstance(node, dict):
            return
        for step in node.get("transform") or []:
            if isinstance(step, dict) and "fold" in step:
                folds[(step.get("as") or ["key"])[0]] = list(step["fold"])
        if isinstance(node.get("data"), dict) and "values" in node["data"]:
            datasets[f"inline{id(node)}"] = node["data"]["values"]
        for key, value in node.items():
            if key == "title" and isinstance(value, str | list):
                for line in value if isinstance(value, list) else [value]:
                    yield "chart title", str(line)
            elif key == "title" and isinstance(value, dict):
                yield "chart title", str(value.get("text", ""))
            elif key == "encoding" and isinstance(value, dict):
                yield from encodings(value)
            elif key not in {"datasets", "data"}:
                yield from walk(value)

    def encodings(encoding: dict[str, Any]) -> Iterator[tuple[str, str]]:
        for channel, spec_ in encoding.items():
            for enc in spec_ if isinstance(spec_, list) else [spec_]:
                if not isinstance(enc, dict) or "field" not in enc:
                    continue
                field = str(enc["field"])
                guide = enc.get("axis", enc.get("legend", {}))
                if channel != "text" and guide is not None:
                    title = enc.get("title") or (guide or {}).get("title") or field
                    yield f"chart {channel} title", str(title)
                if enc.get("type") in {"nominal", "ordinal"} or channel == "text":
                    yield from categories(field, channel)

    def categories(field: str, channel: str) -> Iterator[tuple[str, str]]:
        for value in folds.get(field, []):
            yield f"chart {channel} category", value
        for rows in datasets.values():
            seen = {str(row[field]) for row in rows if isinstance(row, dict) and field in row}
            for value in sorted(seen)[:200]:
                yield f"chart {channel} category", value

    found = list(walk(spec))
    yield from found


def reader_strings(at: AppTest) -> Iterator[tuple[str, str]]:
    """Every (where, text) a reader sees on the current run of `at`."""

    def walk(node: Any) -> Iterator[tuple[str, str]]:
        kind = getattr(node, "type", "")
        if kind == "dataframe":
            yield from table_strings(node)
        elif kind in {"vega_lite_chart", "arrow_vega_lite_chart"}:
            yield from chart_strings(json.loads(node.proto.spec), chart_data(node.proto))
        elif kind == "exception":
            yield "exception", str(node.value)
        elif getattr(node, "proto", None) is not None:
            for text in proto_strings(node.proto):
                yield kind, text
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    yield from walk(at._tree)


# ---------------------------------------------------------------- the world and the roles


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[Role, tuple[str, str]]]:
    """The demo world (smaller) with an admin; one (username, password) per role."""
    path = tmp_path_factory.mktemp("words") / "app.db"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with session_scope(engine) as session:
        users.create_user(
            session=session, username=ADMIN, name="Bea Boss", role=Role.ADMIN,
            password=ADMIN_PASSWORD, actor=system_actor(),
        )  # fmt: skip
    result = load_demo(engine=engine, actor=system_actor(), leads=LEADS, seed=7)
    with session_scope(engine) as session:  # a signature: the history says who signed as what
        version = agreement.ensure_agreement(session=session)
        manager = users.get_by_username(session=session, username="nasrin.f")
        assert manager is not None and version.id is not None
        signing.sign(
            session=session, version_id=version.id, seen_hash=version.content_hash, actor=manager
        )
    engine.dispose()
    logins = {Role.ADMIN: (ADMIN, ADMIN_PASSWORD)}
    for person in PEOPLE:
        logins.setdefault(person.role, (person.username, result.passwords[person.username]))
    return path, logins


@pytest.fixture
def app_db(world: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "app.db"
    shutil.copyfile(world[0], path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def sign_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    return next(b for b in at.button if b.label == "Sign in").click().run()


def signed_user(path: Path, username: str) -> User:
    engine = db.make_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        user = users.get_by_username(session=session, username=username)
        assert user is not None
        session.expunge(user)
    engine.dispose()
    return user


class Selections:
    """Rows picked in `on_select` tables: AppTest has no click for them, so their state is
    handed to each run beside the widgets' own."""

    def __init__(self, at: AppTest) -> None:
        self.at = at
        self.picked: dict[str, int] = {}

    def pick(self, key: str, row: int = 0) -> bool:
        """Select `row` of the table `key` (if it is shown and has rows) and run."""
        tables = [d for d in self.at.dataframe if d.key == key and len(d.value) > row]
        if not tables:
            return False
        self.picked[tables[0].proto.id] = row
        self.run()
        return True

    def run(self) -> AppTest:
        states: WidgetStates = self.at._tree.get_widget_states()
        for widget_id, row in self.picked.items():
            state = states.widgets.add()
            state.id = widget_id
            state.string_value = json.dumps(
                {"selection": {"rows": [row], "columns": [], "cells": []}}
            )
        return self.at._run(states)


def every_option(at: AppTest, key: str) -> Iterator[str]:
    """Choose each option of the select box `key` in turn (if the page shows it)."""
    boxes = [s for s in at.selectbox if s.key == key]
    for index, option in enumerate(boxes[0].options if boxes else []):
        boxes[0].select_index(index).run()
        yield option


# A CRM export as a marketer uploads it: its own headers and stage names, a size, an owner.
EXPORT = (
    b"Record ID,Email,First Name,Last Name,Company,Lifecycle Stage,Lead Status,Lead Source,"
    b"Number of Employees,Industry,Create Date,Contact owner\n"
    b"9001,ann.lee@example.com,Ann,Lee,Acme,marketingqualifiedlead,New,Webinar,120,Software,"
    b"2026-11-02,sara.k\n"
    b"9002,bo.chen@example.com,Bo,Chen,Initech,salesqualifiedlead,Connected,Referral,40,Retail,"
    b"2026-11-03,nobody.here\n"
    b"9003,not-an-email,Cy,Diaz,Umbrella,lead,,Event,many,Healthcare,someday,\n"
)


def close_twice(at: AppTest) -> Iterator[str]:
    """An admin closes a settled month, gives a bonus in it and closes it again (who moved)."""
    if not any(b.key == "leaderboard_close" for b in at.button):
        return
    at.selectbox(key="leaderboard_month").select_index(2).run()  # settled
    at.button(key="leaderboard_close").click().run()
    yield "a month closed"
    at.selectbox(key="leaderboard_adjust_who").select_index(0)
    at.text_input(key="leaderboard_adjust_reason").input("Ran the spring webinar")
    next(b for b in at.button if b.label == "Record").click().run()
    yield "a bonus in a closed month"
    at.button(key="leaderboard_close").click().run()
    yield "the month closed again"
    at.selectbox(key="leaderboard_month").select_index(0).run()


def exercise(at: AppTest, page: str) -> Iterator[str]:
    """Open what a page hides behind a choice; yields a name for each state looked at."""
    selections = Selections(at)
    if page == "pages/import_leads.py" and at.get("file_uploader"):
        uploader = at.get("file_uploader")[0]
        assert isinstance(uploader, FileUploader)
        uploader.set_value(("crm_export.csv", EXPORT, "text/csv"))
        at.run()
        yield "a file uploaded"
        if any(b.key == "import_run" for b in at.button):
            at.button(key="import_run").click().run()
            yield "the file imported"
    elif page == "pages/criteria.py":
        if any(t.key == "criteria_explain" for t in at.text_input):
            at.text_input(key="criteria_explain").input("1").run()
            yield "one lead explained"
        if any(c.key == "criteria_view" for c in at.get("button_group")):
            for view in ("source", "marketer", "month", "rep"):
                at.segmented_control(key="criteria_view").set_value(view).run()
                yield f"broken down by {view}"
    elif page == "pages/leaderboard.py":
        yield from close_twice(at)
        if selections.pick("leaderboard_people"):
            yield "a person's points"
            levels = [s for s in at.selectbox if s.key == "leaderboard_trace_level"]
            for index, option in enumerate(levels[0].options if levels else []):
                levels[0].select_index(index)
                selections.run()
                if selections.pick("leaderboard_trace_leads"):
                    yield f"the trace of one lead ({option})"
    elif page == "pages/compliance.py":
        for option in every_option(at, "compliance_level"):
            yield f"the leads behind {option}"
        for option in every_option(at, "compliance_scope"):
            yield f"compliance of one {option}"
    elif page == "pages/reports.py":
        for option in every_option(at, "reports_reason_by"):
            yield f"reasons by {option}"
    elif page == "pages/workshop.py" and any(r.key == "ws_view" for r in at.radio):
        for view in ("draft", "sign", "history", "export"):
            at.radio(key="ws_view").set_value(view).run()
            yield f"workshop {view}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_no_internal_name_reaches_a_reader(
    app_db: Path, world: tuple[Path, dict[Role, tuple[str, str]]], role: Role
) -> None:
    username, password = world[1][role]
    at = sign_in(username, password)
    assert not at.exception, at.exception
    user = signed_user(app_db, username)
    found: dict[tuple[str, str, str], str] = {}

    def look(where: str) -> None:
        for kind, text in reader_strings(at):
            tokens = offenders(text)
            if kind in ALERTS and text[:1].islower():  # a raw domain error
                tokens.append("a lower-case first word")
            if kind == "table header" and text[:1].islower():  # a frame's own column name
                tokens.append("a lower-case header")
            for token in tokens:
                page = where.split(":")[0]
                found.setdefault((token, page, kind), f"{where}: {text[:120]!r}")

    look("sign-in and sidebar")
    for spec in PAGES:
        if not spec.opens(user):
            continue
        at.switch_page(spec.path).run()
        look(spec.path)
        for state in exercise(at, spec.path):
            look(f"{spec.path}: {state}")
    report = [f"{token!r} in {kind} on {seen}" for (token, _page, kind), seen in found.items()]
    assert report == [], "\n".join(sorted(report))


def test_a_domain_error_shown_alone_reads_as_a_sentence() -> None:
    """sla_core writes errors for the command line too ("the reason ..."): a page showing one
    on its own starts it with a capital; quoted inside a sentence it stays as written."""
    from ui.widgets import clause, plain

    error = ValueError("the reason contains a NUL character: remove it")
    assert plain(error) == r"The reason contains a NUL character\: remove it"
    assert clause(error) == r"the reason contains a NUL character\: remove it"
    assert plain("the data stays as it is") == "the data stays as it is"
