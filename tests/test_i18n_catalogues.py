"""Meta-tests: every interface string has a Persian and an Arabic translation, and no page
string bypasses `_()`."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo

from sla_core.i18n import catalogue, extraction
from sla_core.i18n.languages import Language
from tests.i18n_bypass import bypasses, bypasses_in, has_words

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pot():  # type: ignore[no-untyped-def]
    return extraction.template(ROOT)


@pytest.mark.parametrize("language", catalogue.TRANSLATED)
def test_every_interface_string_is_translated(pot, language: Language) -> None:  # type: ignore[no-untyped-def]
    problems = extraction.problems(pot, language)
    assert [(p.reason, p.msgid) for p in problems] == [], (
        "run `python -m sla_core translations refresh` and translate the new strings"
    )


@pytest.mark.parametrize("language", catalogue.TRANSLATED)
def test_catalogues_hold_no_strings_the_code_no_longer_uses(pot, language: Language) -> None:  # type: ignore[no-untyped-def]
    used = {m.id for m in pot}
    assert [m.id for m in catalogue.read_catalogue(language) if m.id and m.id not in used] == []


@pytest.mark.parametrize(("language", "forms"), [(Language.PERSIAN, 1), (Language.ARABIC, 6)])
def test_catalogues_compile_with_their_plural_rules(language: Language, forms: int) -> None:
    found = catalogue.read_catalogue(language)
    assert found.num_plurals == forms
    write_mo(io.BytesIO(), found)


@pytest.mark.parametrize(
    "source",
    [
        'st.title("Leads")',
        'col.metric("MQLs this month", n)',
        'st.tabs(["Team", "Reps"])',
        'st.error(f"Could not save: {exc}")',
        'st.caption("{n} leads".format(n=3))',
        'st.title("Leads" if everyone else _("My leads"))',
        'st.selectbox(_("Stage"), options, help="Pick one")',
        'st.Page("pages/x.py", title="Overview", icon=":material/dashboard:")',
        'st.column_config.TextColumn("Name", width=140)',
        'st.sidebar.button("Sign out", key="x")',
        'st.segmented_control(_("Period"), ["This month", "Last month"], key="p")',
        'st.radio(_("Kind"), options=("Month", "Quarter"))',
        'st.selectbox(_("Kind"), kinds, format_func=lambda k: _(NAMES[k]))',
    ],
)
def test_checker_finds_untranslated_text(source: str) -> None:
    assert bypasses(source)


@pytest.mark.parametrize(
    "source",
    [
        'st.title(_("Leads"))',
        'col.metric(_("MQLs this month"), f"{n:,}")',
        'st.caption(_("{n} leads").format(n=3))',
        'st.markdown(f"**{plain(user.name)}**")',
        'st.write("—")',
        "st.error(str(exc))",
        'st.Page("pages/x.py", title=_("Overview"), icon=":material/dashboard:")',
        'logger.error("database unavailable")',
        'st.set_page_config(page_title="LeadPact")',
        'st.caption(":material/verified: {}".format(x))',
        'st.radio(_("Kind"), options=["month", "quarter"], format_func=names.get)',
    ],
)
def test_checker_lets_translated_and_wordless_text_pass(source: str) -> None:
    assert bypasses(source) == []


def test_words_are_letters_outside_icons_and_placeholders() -> None:
    assert not has_words(":material/edit_note: {version} · {count:,}")
    assert has_words("v{n}") and has_words("سرنخ")


# Text with words that may stay a literal: the product's name in the browser tab.
ALLOWED = frozenset({"LeadPact"})


def test_no_page_string_bypasses_translation() -> None:
    files = [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "ui").glob("*.py")),
    ]
    found = bypasses_in(ROOT, files, ALLOWED)
    assert [f"{b.path}:{b.line} {b.call}({b.text!r})" for b in found] == [], (
        "wrap these in _() from ui.i18n (one whole sentence, named placeholders)"
    )


def test_translations_check_command_reports_in_json(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from sla_core import cli

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    code = cli.main(["translations", "check", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["messages"] > 100
    assert (code, report["problems"]) == (0, [])


def test_nothing_shadows_the_translation_function() -> None:
    """`_, x = ...` in a page or app.py would turn every later `_("...")` into a crash."""
    files = [
        ROOT / "app.py",
        *sorted((ROOT / "pages").glob("*.py")),
        *sorted((ROOT / "ui").glob("*.py")),
    ]
    shadows = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in files
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
    ]
    assert shadows == []
