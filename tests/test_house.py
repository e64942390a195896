"""Meta-tests that keep the house rules honest."""

import ast
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
