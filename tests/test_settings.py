"""LeadPact's settings: one object read from the environment, defaults for what is unset."""

from __future__ import annotations

import pytest

from sla_core.settings import DEFAULT_DATABASE_URL, Settings, SettingsError


def test_an_empty_environment_gives_the_defaults() -> None:
    settings = Settings.from_environ({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert (settings.daily_report_to, settings.import_wait_seconds) == ((), 60)
    assert settings.smtp() is None  # no host: e-mail is off


def test_every_setting_is_read_from_its_variable() -> None:
    settings = Settings.from_environ(
        {
            "DATABASE_URL": "postgresql://u@h/db",
            "LEADPACT_DAILY_REPORT_TO": " a@example.com, ,b@example.com ",
            "LEADPACT_IMPORT_WAIT_SECONDS": "5",
            "LEADPACT_SMTP_HOST": "mail.example.com",
            "LEADPACT_SMTP_SECURITY": "ssl",
            "UNRELATED": "x",
        }
    )
    assert settings.database_url == "postgresql://u@h/db"
    assert settings.daily_report_to == ("a@example.com", "b@example.com")
    assert settings.import_wait_seconds == 5
    smtp = settings.smtp()
    assert smtp is not None and (smtp.host, smtp.port) == ("mail.example.com", 465)
    assert "UNRELATED" not in settings.smtp_values


def test_a_wait_that_is_not_a_number_is_refused_in_words() -> None:
    with pytest.raises(SettingsError, match="LEADPACT_IMPORT_WAIT_SECONDS 'soon'"):
        Settings.from_environ({"LEADPACT_IMPORT_WAIT_SECONDS": "soon"})


def test_the_smtp_password_never_shows_in_the_settings_repr() -> None:
    settings = Settings.from_environ({"LEADPACT_SMTP_PASSWORD": "s3cret"})
    assert "s3cret" not in repr(settings)
