"""Meta-tests that keep the house rules honest."""

import ast
import functools
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_sla_core_never_imports_streamlit():
    offenders = [
        p.relative_to(ROOT) for p in (ROOT / "sla_core").rglob("*.py") if "streamlit" in _imports(p)
    ]
    assert offenders == []


def test_pages_never_touch_sql_directly():
    banned = {"sqlalchemy", "sqlite3", "psycopg", "adbc_driver_sqlite", "adbc_driver_postgresql"}
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & banned)
        for p in (ROOT / "pages").glob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_main_guard_in_pages():
    assert [
        p.name for p in (ROOT / "pages").glob("*.py") if "__main__" in p.read_text(encoding="utf-8")
    ] == []


# --- Every public write function in sla_core takes `actor` and checks it -------------------

SQL_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
SESSION_WRITES = {"add", "add_all", "delete", "merge", "bulk_insert_mappings"}
RAW_WRITES = {"adbc_ingest", "executemany"}
SQL_BUILDERS = {"insert", "update", "delete"}

# Public functions that write without an actor, each for a stated reason. Keep it small.
ALLOWED = {
    # Sign-in runs before anyone is signed in: the password (or the session id) is the proof.
    "sla_core/people/signin.py:attempt",
    "sla_core/people/sessions.py:start",
    "sla_core/people/sessions.py:end",
    # A generated secret (the cookie key), created on first use by the sign-in form.
    "sla_core/people/users.py:secret",
    # Seeding, not an edit: the first read of a fresh database stores version 1 with the
    # articles' defaults, so every page has an agreement to measure against.
    "sla_core/agreement/versions.py:ensure_agreement",
    # Writes the audit entry of an actor its caller has just checked.
    "sla_core/audit.py:record",
    # Keep the record of a save (the revision's text; the notices of the signatures it
    # voided) for the save their only caller (agreement.versions) has just checked.
    "sla_core/agreement/revisions.py:record",
    "sla_core/agreement/resign.py:notify",
    # The import's plumbing: its only caller (importing.run.run_import) checks the actor first.
    "sla_core/store/writer.py:upsert_leads",
    "sla_core/store/upsert.py:upsert_in_process",
    "sla_core/store/named_people.py:resolve_people",
    "sla_core/store/hashing.py:existing_keys",
    "sla_core/store/hashing.py:changed_to_write",  # reads through a temporary table
    "sla_core/store/import_record.py:store_rejects",
    "sla_core/store/import_record.py:finish_batch",
    # Fills a temporary table only; its callers (qualification, routing) check the actor.
    "sla_core/store/bulk.py:stage_int_rows",
}


def _sql_builders(tree: ast.Module) -> set[str]:
    """Local names bound to SQLAlchemy's insert/update/delete by `from ... import`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in {
            "sqlalchemy",
            "sqlmodel",
        }:
            names |= {a.asname or a.name for a in node.names if a.name in SQL_BUILDERS}
    return names


def _called(node: ast.AST) -> set[str]:
    return {
        c.func.id if isinstance(c.func, ast.Name) else c.func.attr
        for c in ast.walk(node)
        if isinstance(c, ast.Call) and isinstance(c.func, ast.Name | ast.Attribute)
    }


def _writes_directly(func: ast.FunctionDef, builders: set[str]) -> bool:
    for node in ast.walk(func):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_WRITE.match(node.value):
                return True
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Name) and target.id in builders:
            return True
        if isinstance(target, ast.Attribute):
            owner = target.value
            owner_name = owner.id if isinstance(owner, ast.Name) else ""
            if target.attr in SESSION_WRITES and "session" in owner_name:
                return True
            if target.attr in RAW_WRITES:
                return True
    return False


def _closure(funcs: dict[str, ast.FunctionDef], name: str, test) -> bool:
    """Whether `name`, or a private function of its module it calls (transitively), passes."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if test(funcs[current]):
            return True
        todo += [c for c in _called(funcs[current]) if c in funcs and c.startswith("_")]
    return False


def _write_functions_without_actor_check() -> dict[str, str]:
    offenders: dict[str, str] = {}
    for path in sorted((ROOT / "sla_core").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        builders = _sql_builders(tree)
        funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
        for name, func in funcs.items():
            if name.startswith("_"):
                continue
            if not _closure(funcs, name, functools.partial(_writes_directly, builders=builders)):
                continue
            where = f"{path.relative_to(ROOT).as_posix()}:{name}"
            kwonly = dict(
                zip((a.arg for a in func.args.kwonlyargs), func.args.kw_defaults, strict=True)
            )
            if "actor" not in kwonly or kwonly["actor"] is not None:
                offenders[where] = "no required keyword `actor`"
            elif not _closure(
                funcs, name, lambda f: any(c.startswith("require") for c in _called(f))
            ):
                offenders[where] = "never calls access.require*"
    return offenders


def test_every_public_write_takes_an_actor_and_checks_it():
    offenders = _write_functions_without_actor_check()
    unexplained = {k: v for k, v in offenders.items() if k not in ALLOWED}
    assert unexplained == {}


def test_the_allow_lists_hold_no_stale_entries():
    offenders = _write_functions_without_actor_check()
    assert sorted((ALLOWED) - set(offenders)) == []


def test_the_meta_test_catches_a_write_without_an_actor(tmp_path):
    source = (
        "from sqlalchemy import update\n"
        "def sneaky(*, session):\n"
        "    session.add(object())\n"
        "def via_helper(*, session, actor=None):\n"
        "    _helper(session)\n"
        "def _helper(session):\n"
        "    session.execute(update(T))\n"
        "def checked(*, session, actor):\n"
        "    require(actor, X)\n"
        "    session.add(object())\n"
    )
    tree = ast.parse(source)
    builders = _sql_builders(tree)
    funcs = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    writes = {n for n in funcs if _closure(funcs, n, lambda f: _writes_directly(f, builders))}
    assert writes == {"sneaky", "via_helper", "_helper", "checked"}


def test_every_page_asks_for_the_frame_before_anything_else() -> None:
    """A page run on its own (a fresh server's first request at its address) must not
    draw anything: its first statement after the imports is `framed()`."""
    for path in sorted((ROOT / "pages").glob("*.py")):
        body = ast.parse(path.read_text(encoding="utf-8")).body
        statements = [
            node
            for node in body
            if not isinstance(node, ast.Import | ast.ImportFrom)
            and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        ]
        first = statements[0]
        assert (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Call)
            and getattr(first.value.func, "id", None) == "framed"
        ), f"{path.name}: its first statement is not framed()"


# --- Short modules and functions ------------------------------------------------------------

MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60
# A longer one states why in its docstring, with these words.
REASON = "Long because"


def _sources() -> list[Path]:
    return [
        p
        for folder in ("sla_core", "ui")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in p.parts
    ]


def _too_long(path: Path, root: Path = ROOT) -> list[str]:
    """The module (if over the limit) and the functions over theirs, none giving a reason."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    where = path.relative_to(root).as_posix()
    found = []
    lines = len(text.splitlines())
    if lines > MAX_MODULE_LINES and REASON not in (ast.get_docstring(tree) or ""):
        found.append(f"{where}: {lines} lines")
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > MAX_FUNCTION_LINES and REASON not in (ast.get_docstring(node) or ""):
            found.append(f"{where}:{node.name}: {length} lines")
    return found


def test_modules_and_functions_are_short_or_say_why():
    assert [entry for path in _sources() for entry in _too_long(path)] == []


def test_the_length_check_catches_a_long_function_and_accepts_a_reason(tmp_path):
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    long = tmp_path / "long.py"
    long.write_text(f"def f():\n{body}", encoding="utf-8")
    explained = tmp_path / "explained.py"
    explained.write_text(f'def f():\n    """{REASON} it is a table."""\n{body}', encoding="utf-8")
    assert _too_long(long, tmp_path) == [f"long.py:f: {MAX_FUNCTION_LINES + 1} lines"]
    assert _too_long(explained, tmp_path) == []


# --- The folders show the architecture ----------------------------------------------------

TOP_LEVEL_LIMIT = 15


def _top_level_modules() -> list[str]:
    return sorted(p.stem for p in (ROOT / "sla_core").glob("*.py"))


def test_sla_cores_top_level_keeps_only_the_shared_base() -> None:
    modules = _top_level_modules()
    assert len(modules) <= TOP_LEVEL_LIMIT, f"{len(modules)} top-level modules: {modules}"


def test_no_family_of_names_at_the_top_level() -> None:
    # lead_store, lead_rows, lead_people ... belong in a package, not side by side at the top
    prefixes: dict[str, list[str]] = {}
    for name in _top_level_modules():
        head = name.strip("_").split("_")[0]
        prefixes.setdefault(head, []).append(name)
    families = {head: names for head, names in prefixes.items() if len(names) > 1}
    assert families == {}


def test_every_package_says_what_it_owns_in_one_line() -> None:
    silent = [
        str(init.relative_to(ROOT))
        for init in (ROOT / "sla_core").glob("*/__init__.py")
        if init.parent.name != "migrations"
        and not re.match(r'^"""[A-Z][^\n]+', init.read_text(encoding="utf-8"))
    ]
    assert silent == []


# Configuration is read from the environment in one place (sla_core/settings.py) and passed
# in; the one clock reads LEADPACT_CLOCK itself, so that every process can be set.
ENVIRONMENT_READERS = {"sla_core/settings.py", "sla_core/clock.py"}


def _reads_environment(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in {"getenv", "environ"}:
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                return True
    return False


def test_only_settings_and_the_clock_read_the_environment() -> None:
    readers = set()
    for path in [*(ROOT / "sla_core").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"]:
        where = str(path.relative_to(ROOT))
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        # handing the whole environment on to a child process is not reading a setting
        source = source.replace("**os.environ", "**_inherited")
        source = source.replace('os.environ.get("PYTHONPATH"', '_inherited.get("PYTHONPATH"')
        if _reads_environment(ast.parse(source)):
            readers.add(where)
    assert readers - ENVIRONMENT_READERS == {"sla_core/store/worker_main.py"}  # sets, not reads


def test_each_package_command_line_lives_in_its_command_module() -> None:
    stray = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "sla_core").rglob("*command*.py")
        if p.name != "command.py"
    )
    assert stray == []


def test_numbers_on_pages_go_through_the_language_layer() -> None:
    # f"{x:,}" writes Latin digits and commas to a Persian or Arabic reader: use ui.i18n.num
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for folder in ("pages", "ui")
        for p in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\{[^{}]+:,(\.\d+f)?\}", line)
    ]
    assert found == []


# A message shown after a rerun goes through ui.flash (flash / show_flash), not through a
# session-state key each page invents.
FLASH_LIKE = re.compile(r"(message|notice|flash|done|saved)$")
# The first-run result stays until the admin clicks Continue (app.py reads it): a screen's
# state, not a message.
NOT_FLASHES = {"pages/setup.py:setup_done"}


def _session_state_keys_written(tree: ast.Module) -> set[str]:
    """The literal keys assigned with `st.session_state[key] = ...` (or `.setdefault`)."""
    keys: set[str] = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Attribute)
                and target.value.attr == "session_state"
                and isinstance(target.slice, ast.Constant)
            ):
                keys.add(str(target.slice.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
            and isinstance(node.func.value, ast.Attribute)
            and node.func.value.attr == "session_state"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            keys.add(str(node.args[0].value))
    return keys


def test_messages_after_a_rerun_go_through_the_flash_helper() -> None:
    found = {
        f"{p.relative_to(ROOT)}:{key}"
        for folder in ("pages", "ui")
        for p in (ROOT / folder).rglob("*.py")
        if p.name != "flash.py"
        for key in _session_state_keys_written(ast.parse(p.read_text(encoding="utf-8")))
        if FLASH_LIKE.search(key)
    }
    assert found - NOT_FLASHES == set()


def test_the_flash_check_sees_an_invented_message_key() -> None:
    tree = ast.parse('st.session_state["queue_message"] = ("success", done)')
    assert _session_state_keys_written(tree) == {"queue_message"}


# A memoised figure's key and its permission check live in the domain function that
# computes it (sla_core.store.memo): a page that looked in the memo itself could skip the check.
def _memo_calls(tree: ast.Module) -> list[int]:
    """Lines calling `<anything>.memo(...)` or a local `memo(...)`."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr == "memo")
            or (isinstance(node.func, ast.Name) and node.func.id == "memo")
        )
    ]


def test_no_page_looks_in_the_memo_itself() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in (ROOT / "pages").glob("*.py")
        for line in _memo_calls(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_the_memo_check_sees_both_spellings() -> None:
    tree = ast.parse("a = snap.memo(key, f)\nmemo = view.shared.memo\nb = memo(key, f)")
    assert _memo_calls(tree) == [1, 3]


# Every table a reader sees goes through ui.tables (dataframe / data_editor): there the
# cells take the reader's digits, calendar and words and the columns their reading order.
# (`st.table` too; `lb.table(...)` and the like build frames, they show nothing.)
GRID_CALLS = {"dataframe", "data_editor"}


def _receiver(func: ast.Attribute) -> str:
    return func.value.id if isinstance(func.value, ast.Name) else ast.unparse(func.value)


def _grids_shown_directly(tree: ast.Module) -> list[int]:
    """Lines calling `<anything but tables>.dataframe/data_editor(...)` or `st.table(...)`."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and (
            (node.func.attr in GRID_CALLS and _receiver(node.func) != "tables")
            or (node.func.attr == "table" and _receiver(node.func) == "st")
        )
    ]


def test_every_table_goes_through_ui_tables() -> None:
    found = [
        f"{p.relative_to(ROOT)}:{line}"
        for folder in ("pages", "ui")
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p.relative_to(ROOT).as_posix() != "ui/tables.py"
        for line in _grids_shown_directly(ast.parse(p.read_text(encoding="utf-8")))
    ]
    assert found == []


def test_the_table_check_sees_a_frame_shown_directly() -> None:
    tree = ast.parse(
        "st.dataframe(frame)\ntab.data_editor(frame)\nst.table(frame)\n"
        "tables.dataframe(frame, where=tab)\nlb.table(frame)\nst.sidebar.dataframe(frame)"
    )
    assert _grids_shown_directly(tree) == [1, 2, 3, 6]
