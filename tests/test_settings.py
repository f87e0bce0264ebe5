from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from barter.settings import SECRET_FILE, SettingsError, ensure_secret, load_settings


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path)})
    assert settings.database_url is None
    assert settings.embedded
    assert settings.host == "127.0.0.1"
    assert settings.port == 8000
    assert settings.log_level == "info"
    assert settings.data_dir == tmp_path / ".local" / "share" / "barter"
    assert not settings.line_enabled
    assert not settings.sms_enabled
    assert settings.engine_processes == 0  # the cores the engine process may use
    assert settings.database_pool_size == 20


def test_line_and_sms_are_on_only_with_all_their_settings(tmp_path: Path) -> None:
    base = {"HOME": str(tmp_path), "BARTER_LINE_CHANNEL_SECRET": "abc"}
    assert not load_settings(base).line_enabled
    line = load_settings(
        {**base, "BARTER_LINE_CHANNEL_ACCESS_TOKEN": "tok", "BARTER_LINE_API_BASE": "http://127.0.0.1:9/"}
    )
    assert line.line_enabled
    assert line.line_api_base == "http://127.0.0.1:9"
    sms = {"HOME": str(tmp_path), "BARTER_SMS_API_KEY": "k", "BARTER_SMS_API_SECRET": "s"}
    assert not load_settings(sms).sms_enabled
    assert load_settings({**sms, "BARTER_SMS_SENDER": "BARTER"}).sms_enabled


def test_values_are_read(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "BARTER_DATABASE_URL": "postgresql://u@db/x",
            "BARTER_DATA_DIR": str(tmp_path),
            "BARTER_HOST": "0.0.0.0",
            "BARTER_PORT": "9001",
            "BARTER_SECRET": "s" * 20,
            "BARTER_LOG_LEVEL": "DEBUG",
            "BARTER_HOLD_HOURS": "1.5",
            "BARTER_ENGINE_PROCESSES": "1",
            "BARTER_DATABASE_POOL_SIZE": "5",
        }
    )
    assert settings.database_url == "postgresql://u@db/x"
    assert not settings.embedded
    assert (settings.data_dir, settings.host, settings.port) == (tmp_path, "0.0.0.0", 9001)
    assert settings.log_level == "debug"
    assert settings.hold_hours == 1.5
    assert settings.engine_processes == 1
    assert settings.database_pool_size == 5


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BARTER_PORT", "eighty"),
        ("BARTER_PORT", "70000"),
        ("BARTER_HOST", "my host"),
        ("BARTER_DATABASE_URL", "mysql://x"),
        ("BARTER_SECRET", "short"),
        ("BARTER_LOG_LEVEL", "loud"),
        ("BARTER_HOLD_HOURS", "-1"),
        ("BARTER_ALLOW_PRIVATE_WEBHOOKS", "maybe"),
        ("BARTER_LINE_API_BASE", "api.line.me"),
        ("BARTER_LINE_HISTORY_DAYS", "0"),
        ("BARTER_SMS_API_BASE", "ftp://x"),
        ("BARTER_ENGINE_PROCESSES", "-1"),
        ("BARTER_DATABASE_POOL_SIZE", "1"),
    ],
)
def test_invalid_setting_names_the_variable(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as info:
        load_settings({"HOME": str(tmp_path), name: value})
    message = str(info.value)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


def test_data_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(SettingsError, match=r"^BARTER_DATA_DIR:"):
        load_settings({"BARTER_DATA_DIR": str(target)})


def test_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings({"BARTER_DATA_DIR": str(tmp_path / "data")})
    first = ensure_secret(settings)
    second = ensure_secret(settings)
    assert first.secret is not None
    assert len(first.secret) >= 32
    assert first.secret == second.secret
    assert (tmp_path / "data" / SECRET_FILE).read_text() == first.secret
    assert (tmp_path / "data" / SECRET_FILE).stat().st_mode & 0o077 == 0


def test_configured_secret_wins(tmp_path: Path) -> None:
    settings = load_settings({"BARTER_DATA_DIR": str(tmp_path), "BARTER_SECRET": "x" * 16})
    assert ensure_secret(settings).secret == "x" * 16
    assert not (tmp_path / SECRET_FILE).exists()


def test_serve_stops_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "barter", "serve"],
        env={"BARTER_PORT": "not-a-port", "BARTER_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "BARTER_PORT" in lines[0]
