"""`python -m sla_core translations refresh|check`: keep locales/ in step with the code."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.engine import Engine

from sla_core.i18n import catalogue, extraction

EXIT_MISSING = 3


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `translations` subcommand's arguments."""
    p = sub.add_parser(
        "translations",
        parents=[common],
        help="refresh the Persian and Arabic catalogues from the code, or check them",
        description="refresh: add new interface strings to locales/*/messages.po and drop "
        "unused ones. check: list strings without a translation "
        f"(exit status {EXIT_MISSING} when there are some).",
    )
    p.add_argument("action", choices=["refresh", "check"])


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Run `translations refresh` or `translations check`."""
    del engine  # the catalogues live in files, not in the database
    if args.action == "refresh":
        extraction.refresh()
    pot = extraction.template()
    found = [p for lang in catalogue.TRANSLATED for p in extraction.problems(pot, lang)]
    if args.json:
        print(json.dumps(  # noqa: T201 - the command's output
            {
                "messages": len([m for m in pot if m.id]),
                "problems": [
                    {"language": p.language.value, "msgid": p.msgid, "reason": p.reason}
                    for p in found
                ],
            },
            ensure_ascii=False,
        ))  # fmt: skip
    else:
        for p in found:
            print(f"{p.language.value}: {p.reason}: {p.msgid!r}")  # noqa: T201
        total = len([m for m in pot if m.id])
        print(f"{total} interface strings; {len(found)} need a translator")  # noqa: T201
    return EXIT_MISSING if found else 0
