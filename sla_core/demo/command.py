"""The demo package's command line: `demo` loads the seeded demo into an empty database."""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy.engine import Engine

from sla_core.access import system_actor


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `demo` subcommand's arguments."""
    p = sub.add_parser("demo", parents=[common], help="load the demo data into an empty database")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--leads", type=int, default=20_000)
    p.add_argument(
        "--language",
        choices=("en", "fa", "ar"),
        default="en",
        help="the demo company's language: its people, leads and agreement (default en)",
    )
    p.add_argument(
        "--force", action="store_true", help="load even if leads exist (adds demo users)"
    )


def command(args: argparse.Namespace, engine: Engine) -> int:
    """Load the demo; print the demo users' passwords once."""
    from sla_core.demo import world

    result = world.load_demo(
        engine=engine,
        actor=system_actor(),
        seed=args.seed,
        leads=args.leads,
        force=args.force,
        language=args.language,
    )
    text = "\n".join(
        [f"loaded {result.leads} demo leads, {len(result.passwords)} users. Sign in with:"]
        + [f"  {u:<20} {p}" for u, p in result.passwords.items()]
    )
    payload = {"leads": result.leads, "passwords": result.passwords}
    print(json.dumps(payload, ensure_ascii=False) if args.json else text)  # noqa: T201
    return 0
