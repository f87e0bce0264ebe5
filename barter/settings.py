"""Typed settings, read from the environment once and passed in.

Every value is checked here so a bad environment stops the start with one line that names the
variable, instead of failing later somewhere deep in the service.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import msgspec

LogLevel = Literal["debug", "info", "warning", "error", "critical"]
_LOG_LEVELS: tuple[LogLevel, ...] = ("debug", "info", "warning", "error", "critical")
SECRET_FILE = "secret.key"  # noqa: S105 (a file name, not a secret)
# After a decline or rejection, the declined exchange's arcs that involve the decliner are not
# proposed again for this long. Two weeks: longer than the 72 h hold and a weekly round of runs
# (so the next rounds do not hold everyone's stock for the same refused exchange again), short
# enough that a changed season, price or need gets another chance within the month.
DECLINE_COOLDOWN_DAYS = 14.0


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str | None = None
    # Connections each server process keeps for requests (its pool's most).
    database_pool_size: int = 20
    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    secret: str | None = None
    log_level: LogLevel = "info"
    # How long a proposal holds the quantities it reserves.
    hold_hours: float = 72.0
    # Webhook targets on loopback or private ranges are refused unless this is on (tests only).
    allow_private_webhooks: bool = False
    # Matching defaults (a run may override them).
    matching_time_limit_s: float = 30.0
    matching_seed: int = 0
    # Worker processes a matching run may use for independent sub-markets and the pieces a large
    # market is dealt into (0: the cores the engine process may use; 1: none, they are solved one
    # after another).
    engine_processes: int = 0
    # How long a declined exchange is not proposed again to the decliner (DECLINE_COOLDOWN_DAYS).
    decline_cooldown_days: float = DECLINE_COOLDOWN_DAYS
    # Rate limits per window (0 turns one off): requests per key, requests per client address,
    # failed keys per address (past it the address is locked out until the window ends).
    rate_limit_window_s: int = 60
    rate_limit_per_key: int = 600
    rate_limit_per_address: int = 1200
    rate_limit_auth_failures: int = 20
    # Logistics plans computed at once, across all processes, and by one key.
    plan_concurrency: int = 2
    plan_per_key: int = 1
    # LINE Official Account (Messaging API channel); without both, the LINE channel is off.
    line_channel_secret: str | None = None
    line_channel_access_token: str | None = None
    line_api_base: str = "https://api.line.me"
    # How long LINE webhook events, sent answers and finished receipt conversations are kept;
    # an event older than this (by its LINE timestamp) is ignored as a replay, since its id may
    # no longer be on record. LINE redelivers within hours, so a month is ample.
    line_history_days: int = 30
    # ThaiBulkSMS (API v2) for SMS notices; without key, secret and sender, SMS is off.
    sms_api_key: str | None = None
    sms_api_secret: str | None = None
    sms_sender: str | None = None
    sms_api_base: str = "https://api-v2.thaibulksms.com"

    @property
    def embedded(self) -> bool:
        return self.database_url is None

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.sms_api_key and self.sms_api_secret and self.sms_sender)


def default_data_dir(env: Mapping[str, str]) -> Path:
    xdg = env.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path(env.get("HOME", str(Path.home()))) / ".local" / "share"
    return base / "barter"


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}: must be between {low} and {high}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}: must be between {low:g} and {high:g}, got {value:g}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}: expected true or false, got {raw!r}")


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("BARTER_DATABASE_URL")
    if raw is None or raw.strip() == "":
        return None
    url = raw.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise SettingsError("BARTER_DATABASE_URL: must start with postgresql:// or postgres://")
    return url


def _host(env: Mapping[str, str]) -> str:
    raw = env.get("BARTER_HOST", "").strip()
    if not raw:
        return "127.0.0.1"
    if raw == "localhost":
        return raw
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        raise SettingsError(f"BARTER_HOST: expected an IP address such as 127.0.0.1, got {raw!r}") from None
    return raw


def _secret(env: Mapping[str, str]) -> str | None:
    raw = env.get("BARTER_SECRET")
    if raw is None or raw == "":
        return None
    if len(raw) < 16:
        raise SettingsError("BARTER_SECRET: must be at least 16 characters")
    return raw


def _text(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    return raw or None


def _base_url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.startswith(("https://", "http://")):
        raise SettingsError(f"{name}: expected an http(s) URL, got {raw!r}")
    return raw.rstrip("/")


def _log_level(env: Mapping[str, str]) -> LogLevel:
    raw = env.get("BARTER_LOG_LEVEL", "info").strip().lower() or "info"
    for level in _LOG_LEVELS:
        if raw == level:
            return level
    raise SettingsError(f"BARTER_LOG_LEVEL: expected one of {', '.join(_LOG_LEVELS)}, got {raw!r}")


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise SettingsError naming the first bad variable."""
    env = os.environ if env is None else env
    data_raw = env.get("BARTER_DATA_DIR", "").strip()
    data_dir = Path(data_raw).expanduser() if data_raw else default_data_dir(env)
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError(f"BARTER_DATA_DIR: {data_dir} exists and is not a folder")
    return Settings(
        database_url=_database_url(env),
        database_pool_size=_int(env, "BARTER_DATABASE_POOL_SIZE", 20, 2, 1000),
        data_dir=data_dir,
        host=_host(env),
        port=_int(env, "BARTER_PORT", 8000, 1, 65535),
        secret=_secret(env),
        log_level=_log_level(env),
        hold_hours=_float(env, "BARTER_HOLD_HOURS", 72.0, 0.01, 24.0 * 365),
        allow_private_webhooks=_bool(env, "BARTER_ALLOW_PRIVATE_WEBHOOKS", False),
        matching_time_limit_s=_float(env, "BARTER_MATCHING_TIME_LIMIT_S", 30.0, 0.1, 3600.0),
        matching_seed=_int(env, "BARTER_MATCHING_SEED", 0, 0, 2**31 - 1),
        engine_processes=_int(env, "BARTER_ENGINE_PROCESSES", 0, 0, 256),
        decline_cooldown_days=_float(env, "BARTER_DECLINE_COOLDOWN_DAYS", DECLINE_COOLDOWN_DAYS, 0.0, 365.0),
        rate_limit_window_s=_int(env, "BARTER_RATE_LIMIT_WINDOW_S", 60, 1, 3600),
        rate_limit_per_key=_int(env, "BARTER_RATE_LIMIT_PER_KEY", 600, 0, 10**6),
        rate_limit_per_address=_int(env, "BARTER_RATE_LIMIT_PER_ADDRESS", 1200, 0, 10**6),
        rate_limit_auth_failures=_int(env, "BARTER_RATE_LIMIT_AUTH_FAILURES", 20, 0, 10**6),
        plan_concurrency=_int(env, "BARTER_PLAN_CONCURRENCY", 2, 1, 16),
        plan_per_key=_int(env, "BARTER_PLAN_PER_KEY", 1, 1, 16),
        line_channel_secret=_text(env, "BARTER_LINE_CHANNEL_SECRET"),
        line_channel_access_token=_text(env, "BARTER_LINE_CHANNEL_ACCESS_TOKEN"),
        line_api_base=_base_url(env, "BARTER_LINE_API_BASE", "https://api.line.me"),
        line_history_days=_int(env, "BARTER_LINE_HISTORY_DAYS", 30, 1, 3650),
        sms_api_key=_text(env, "BARTER_SMS_API_KEY"),
        sms_api_secret=_text(env, "BARTER_SMS_API_SECRET"),
        sms_sender=_text(env, "BARTER_SMS_SENDER"),
        sms_api_base=_base_url(env, "BARTER_SMS_API_BASE", "https://api-v2.thaibulksms.com"),
    )


def ensure_secret(settings: Settings) -> Settings:
    """Return settings with a secret: the configured one, or one generated once into the data folder."""
    if settings.secret is not None:
        return settings
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        # Write a private temporary file, then link it into place: the link fails if another
        # process got there first, so every process ends up reading the same complete secret.
        tmp = settings.data_dir / f".{SECRET_FILE}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 16:
        raise SettingsError(f"BARTER_SECRET: the stored secret in {path} is too short; remove the file")
    return msgspec.structs.replace(settings, secret=secret)
