"""LeadPact's configuration: read from the environment in this one place, then passed in.

Entry points (the app's run, the command line) build a `Settings` and hand its values to
what needs them; nothing else in LeadPact reads the environment, except the one clock
(`LEADPACT_CLOCK`, see `sla_core.clock`), which every module reads through `now()`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sla_core.sla.mailer import SmtpConfig

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'leadpact.db'}"
SMTP_PREFIX = "LEADPACT_SMTP_"


class SettingsError(ValueError):
    """A setting in the environment that cannot be used, said in words."""


@dataclass(frozen=True)
class Settings:
    """Everything LeadPact is configured with."""

    # DATABASE_URL: SQLite file under data/ by default, PostgreSQL when set
    database_url: str = DEFAULT_DATABASE_URL
    # LEADPACT_SMTP_HOST, _PORT, _SECURITY, _USER, _PASSWORD, _SENDER (no host: e-mail off)
    smtp_values: Mapping[str, str] = field(default_factory=dict, repr=False)
    # LEADPACT_DAILY_REPORT_TO: comma-separated; none: every active sales manager
    daily_report_to: tuple[str, ...] = ()
    # LEADPACT_IMPORT_WAIT_SECONDS: how long an import waits for another writer
    import_wait_seconds: int = 60
    # LEADPACT_SNAPSHOT_DIR: where a large lead snapshot is kept between server starts
    # (sla_core.store.snapshot_file); "off": nowhere
    snapshot_dir: Path | None = DATA_DIR / "cache"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings the environment (or `environ`) gives, defaults for the rest."""
        env = os.environ if environ is None else environ
        wait = env.get("LEADPACT_IMPORT_WAIT_SECONDS", "").strip() or "60"
        if not wait.isdigit():
            raise SettingsError(f"LEADPACT_IMPORT_WAIT_SECONDS {wait!r} is not a whole number")
        listed = env.get("LEADPACT_DAILY_REPORT_TO", "")
        kept = env.get("LEADPACT_SNAPSHOT_DIR", "").strip()
        return cls(
            database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
            smtp_values={k: v for k, v in env.items() if k.startswith(SMTP_PREFIX)},
            daily_report_to=tuple(a.strip() for a in listed.split(",") if a.strip()),
            import_wait_seconds=int(wait),
            snapshot_dir=None if kept == "off" else Path(kept) if kept else DATA_DIR / "cache",
        )

    def smtp(self) -> SmtpConfig | None:
        """The SMTP settings (None: e-mail is off); MailConfigError when they are wrong."""
        from sla_core.sla.mailer import SmtpConfig

        return SmtpConfig.from_mapping(self.smtp_values)
