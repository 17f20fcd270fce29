"""Configuration: config.toml turned into frozen dataclasses, the environment winning."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.toml"
CONTENT_DIR = PROJECT_ROOT / "content"
LANGUAGES = ("id", "en")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(Exception):
    """A configuration value is wrong; the message names the key and the problem."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key


@dataclass(frozen=True)
class WebhookConfig:
    listen: str
    port: int
    url: str
    secret_token: str
    health_port: int  # GET /health in webhook mode; 0: no health server


@dataclass(frozen=True)
class TelegramConfig:
    token: str
    api_base_url: str
    mode: str
    poll_timeout: int
    max_concurrent_updates: int
    max_pending_per_user: int
    user_updates_per_minute: int
    rate_limiter: bool
    webhook: WebhookConfig

    @property
    def file_base_url(self) -> str:
        """The file download URL that belongs to the API base URL."""
        base = self.api_base_url
        return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base


@dataclass(frozen=True)
class KnowledgeConfig:
    confident_score: float
    ambiguous_score: float
    margin: float
    reload_seconds: int


@dataclass(frozen=True)
class RotationConfig:
    reminder_days: tuple[int, ...]  # days before the TMT, largest first
    reminder_time: time  # local time of day the reminders go out
    followup_days: tuple[int, ...]  # days after the TMT, smallest first


@dataclass(frozen=True)
class ImportLimits:
    max_file_mb: int
    max_rows: int


@dataclass(frozen=True)
class Config:
    path: Path
    telegram: TelegramConfig
    database_url: str
    database_echo: bool
    sqlite_busy_timeout_ms: int
    superadmins: frozenset[int]
    default_language: str
    timezone: ZoneInfo
    knowledge: KnowledgeConfig
    dialog_ttl_minutes: int
    link_code_hours: int
    secret_key: str
    secret_file: Path
    sweep_seconds: int
    rotation: RotationConfig
    messages_per_second: float
    claim_seconds: int
    console_files_dir: Path
    drafts_dir: Path
    cache_dir: Path
    imports: ImportLimits
    console_user_id: int
    log_level: str
    log_format: str  # "text" or "json" (one object per line)

    def with_changes(self, **changes: Any) -> Config:
        """A copy with some fields replaced."""
        return replace(self, **changes)


class _Reader:
    """Typed access to the nested TOML tables, naming the key in every error."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data
        self._known: set[str] = set()

    def get(self, dotted: str, kind: type | tuple[type, ...], default: Any) -> Any:
        parts = dotted.split(".")
        self._known.update(".".join(parts[: n + 1]) for n in range(len(parts)))
        node: Any = self._data
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        if (isinstance(node, bool) and kind is not bool) or not isinstance(node, kind):
            name = kind.__name__ if isinstance(kind, type) else "number"
            raise ConfigError(dotted, f"expected {name}, got {node!r}")
        return node

    def refuse_unknown(self) -> None:
        """A section or key nobody reads is a typo (``[rotasi]``, ``sweep_second``): say which."""
        stack: list[tuple[str, Mapping[str, Any]]] = [("", self._data)]
        while stack:
            prefix, table = stack.pop()
            for name, value in table.items():
                dotted = f"{prefix}{name}"
                if dotted not in self._known:
                    kind = "section" if isinstance(value, Mapping) else "key"
                    raise ConfigError(dotted, f"unknown {kind} (a typo?)")
                if isinstance(value, Mapping):
                    stack.append((f"{dotted}.", value))


def load_config(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config file and apply the environment; raise ConfigError on a wrong value."""
    env = os.environ if env is None else env
    path = Path(path or env.get("ASNBOT_CONFIG") or DEFAULT_CONFIG).resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError("ASNBOT_CONFIG", f"file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), f"not valid TOML ({exc})") from exc
    r = _Reader(data)
    config = Config(
        path=path,
        telegram=_telegram(r, env),
        database_url=_database_url(r, env, path.parent),
        database_echo=r.get("database.echo", bool, False),
        sqlite_busy_timeout_ms=_positive(r, "database.sqlite_busy_timeout_ms", 10_000),
        superadmins=_superadmins(r, env),
        default_language=_choice(r, "i18n.default_language", LANGUAGES, "id"),
        timezone=_timezone(r),
        knowledge=_knowledge(r),
        dialog_ttl_minutes=_positive(r, "dialog.state_ttl_minutes", 1440),
        link_code_hours=_positive(r, "linking.code_hours", 72),
        secret_key=_secret_key(env),
        secret_file=path.parent / r.get("linking.secret_file", str, "data/secret.key"),
        sweep_seconds=_positive(r, "scheduler.sweep_seconds", 60),
        rotation=_rotation(r),
        messages_per_second=_rate(r),
        claim_seconds=_claim_seconds(r),
        console_files_dir=path.parent / r.get("console.files_dir", str, "data/console_files"),
        console_user_id=_positive(r, "console.user_id", 900000001),
        drafts_dir=path.parent / r.get("knowledge.drafts_dir", str, "content/drafts"),
        cache_dir=path.parent / r.get("knowledge.cache_dir", str, "data/cache"),
        imports=ImportLimits(
            max_file_mb=_positive(r, "imports.max_file_mb", 20),
            max_rows=_positive(r, "imports.max_rows", 200_000),
        ),
        log_level=_choice(r, "logging.level", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
        log_format=_log_format(r, env),
    )
    r.refuse_unknown()
    return config


def _telegram(r: _Reader, env: Mapping[str, str]) -> TelegramConfig:
    token = r.get("telegram.token", str, "")
    token = env.get("TELEGRAM_BOT_TOKEN") or token
    key = "TELEGRAM_BOT_TOKEN" if env.get("TELEGRAM_BOT_TOKEN") else "telegram.token"
    if token and (re.search(r"[\s/?#]", token) or len(token) > 200):
        raise ConfigError(key, "must not contain spaces, '/', '?' or '#'")
    base = r.get("telegram.api_base_url", str, "https://api.telegram.org/bot")
    base = env.get("TELEGRAM_API_BASE_URL") or base
    if not re.match(r"^https?://[^\s/]+", base):
        key = "TELEGRAM_API_BASE_URL" if env.get("TELEGRAM_API_BASE_URL") else "api_base_url"
        raise ConfigError(key, f"must be an http:// or https:// URL, got {base!r}")
    return TelegramConfig(
        token=token,
        api_base_url=base,
        mode=_choice(r, "telegram.mode", ("polling", "webhook"), "polling"),
        poll_timeout=_positive(r, "telegram.poll_timeout", 30),
        max_concurrent_updates=_positive(r, "telegram.max_concurrent_updates", 64),
        max_pending_per_user=_positive(r, "telegram.max_pending_per_user", 20),
        user_updates_per_minute=_positive(r, "telegram.user_updates_per_minute", 30),
        rate_limiter=r.get("telegram.rate_limiter", bool, True),
        webhook=_webhook(r, env),
    )


def _webhook(r: _Reader, env: Mapping[str, str]) -> WebhookConfig:
    secret = r.get("telegram.webhook.secret_token", str, "")
    secret = env.get("ASNBOT_WEBHOOK_SECRET") or secret
    if secret and not _SECRET_RE.match(secret):
        raise ConfigError("ASNBOT_WEBHOOK_SECRET", "use 1-256 characters A-Z, a-z, 0-9, _ or -")
    port = r.get("telegram.webhook.port", int, 8443)
    if not 0 < port < 65536:
        raise ConfigError("telegram.webhook.port", f"{port} is not a TCP port")
    health_port = r.get("telegram.webhook.health_port", int, 8444)
    if not 0 <= health_port < 65536 or health_port == port:
        raise ConfigError(
            "telegram.webhook.health_port", f"{health_port}: use a free TCP port, or 0 for none"
        )
    return WebhookConfig(
        listen=r.get("telegram.webhook.listen", str, "0.0.0.0"),
        port=port,
        url=r.get("telegram.webhook.url", str, ""),
        secret_token=secret,
        health_port=health_port,
    )


def _database_url(r: _Reader, env: Mapping[str, str], base_dir: Path) -> str:
    url = r.get("database.url", str, "sqlite:///data/asnbot.sqlite3")
    if env.get("ASNBOT_DATABASE_URL"):
        url, key = env["ASNBOT_DATABASE_URL"], "ASNBOT_DATABASE_URL"
    else:
        url, key = _anchor_sqlite_path(url, base_dir), "database.url"
    if not re.match(r"^(sqlite|postgres|postgresql)(\+\w+)?://", url):
        raise ConfigError(key, "must be a sqlite:/// or postgresql:// URL")
    return url


def _anchor_sqlite_path(url: str, base_dir: Path) -> str:
    """Make a relative SQLite path in the config file relative to the file itself."""
    match = re.match(r"^(sqlite(\+\w+)?:///)(.+)$", url)
    if not match or match.group(3).startswith("/") or match.group(3) == ":memory:":
        return url
    return f"{match.group(1)}{(base_dir / match.group(3)).as_posix()}"


def _knowledge(r: _Reader) -> KnowledgeConfig:
    scores = []
    for key, default in (("confident_score", 58.0), ("ambiguous_score", 34.0), ("margin", 3.0)):
        value = float(r.get(f"knowledge.{key}", (int, float), default))
        if not 0 <= value <= 100:
            raise ConfigError(f"knowledge.{key}", f"must be between 0 and 100, got {value}")
        scores.append(value)
    if scores[1] > scores[0]:
        raise ConfigError("knowledge.ambiguous_score", "must not exceed confident_score")
    reload_seconds = r.get("knowledge.reload_seconds", int, 30)
    if reload_seconds < 0:
        raise ConfigError("knowledge.reload_seconds", "must be 0 or more")
    return KnowledgeConfig(scores[0], scores[1], scores[2], reload_seconds)


def _rotation(r: _Reader) -> RotationConfig:
    before = _days(r, "rotation.reminder_days", [30, 14, 7, 1])
    after = _days(r, "rotation.followup_days", [30, 90])
    text = r.get("rotation.reminder_time", str, "08:00")
    match = re.fullmatch(r"([01]?[0-9]|2[0-3]):([0-5][0-9])", text)
    if match is None:
        raise ConfigError("rotation.reminder_time", f"use HH:MM (24 hours), got {text!r}")
    moment = time(int(match.group(1)), int(match.group(2)))
    return RotationConfig(tuple(sorted(before, reverse=True)), moment, tuple(sorted(after)))


def _days(r: _Reader, key: str, default: list[int]) -> set[int]:
    days = r.get(key, list, default)
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 < d <= 365 for d in days):
        raise ConfigError(key, "must be a list of whole days from 1 to 365")
    return set(days)


def _claim_seconds(r: _Reader) -> int:
    value = _positive(r, "outbox.claim_seconds", 45)
    if not 10 <= value <= 600:
        raise ConfigError("outbox.claim_seconds", f"must be 10 to 600 seconds, got {value}")
    return value


def _rate(r: _Reader) -> float:
    value = float(r.get("outbox.messages_per_second", (int, float), 25))
    if not 0 < value <= 30:
        raise ConfigError(
            "outbox.messages_per_second", f"must be above 0 and at most 30, got {value}"
        )
    return value


def _superadmins(r: _Reader, env: Mapping[str, str]) -> frozenset[int]:
    ids = r.get("admin.superadmins", list, [])
    raw = env.get("ASNBOT_SUPERADMINS")
    if raw is None:
        if not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in ids):
            raise ConfigError("admin.superadmins", "must be a list of Telegram user ids")
        return frozenset(ids)
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(p.isdigit() for p in parts):
        raise ConfigError("ASNBOT_SUPERADMINS", f"{raw!r} is not a comma-separated list of ids")
    return frozenset(int(p) for p in parts)


def _secret_key(env: Mapping[str, str]) -> str:
    key = env.get("ASNBOT_SECRET_KEY", "")
    if key and len(key) < 32:
        raise ConfigError("ASNBOT_SECRET_KEY", "use at least 32 random characters")
    return key


def _log_format(r: _Reader, env: Mapping[str, str]) -> str:
    form = _choice(r, "logging.format", ("text", "json"), "text")
    if "ASNBOT_LOG_FORMAT" in env and env["ASNBOT_LOG_FORMAT"] not in ("text", "json"):
        raise ConfigError("ASNBOT_LOG_FORMAT", f"{env['ASNBOT_LOG_FORMAT']!r} is not text or json")
    return env.get("ASNBOT_LOG_FORMAT") or form


def _choice(r: _Reader, key: str, allowed: tuple[str, ...], default: str) -> str:
    value: str = r.get(key, str, default)
    if value not in allowed:
        raise ConfigError(key, f"{value!r} is not one of {', '.join(allowed)}")
    return value


def _positive(r: _Reader, key: str, default: int) -> int:
    value: int = r.get(key, int, default)
    if value <= 0:
        raise ConfigError(key, f"must be a positive whole number, got {value}")
    return value


def _timezone(r: _Reader) -> ZoneInfo:
    name = r.get("i18n.timezone", str, "Asia/Jakarta")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError("i18n.timezone", f"unknown time zone {name!r}") from exc
