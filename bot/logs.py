"""Logging set-up that keeps personal data and secrets out of the logs."""

from __future__ import annotations

import json
import logging
import re
import traceback
from datetime import UTC, datetime

_NIP = re.compile(r"(?<![0-9])[0-9]{18}(?![0-9])")
_TOKEN = re.compile(r"[0-9]{5,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}")  # ":" may be URL-encoded
# python-telegram-bot logs a whole update it cannot parse (other users' texts and names).
_RAW_UPDATE = "Received data was"


def redact(text: str) -> str:
    """Anything shaped like an NIP or a bot token masked."""
    return _TOKEN.sub("<token>", _NIP.sub("<nip>", text))


class RedactingFilter(logging.Filter):
    """Drops raw update dumps and masks NIPs and tokens in the message, as a last defence."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and _RAW_UPDATE in record.msg:
            record.msg, record.args = (
                "an update could not be parsed; its content is not logged",
                None,
            )
            record.exc_info, record.exc_text = None, None
            return True
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


# Loggers of python-telegram-bot that dump a whole unparseable update (texts and names of other
# users): the filter goes on the loggers themselves, so no handler ever sees such a record.
RAW_UPDATE_LOGGERS = ("telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater",
                      "telegram.ext._utils.webhookhandler")  # fmt: skip


def guard_library_loggers() -> None:
    """Put the redacting filter on the loggers that may dump raw updates (idempotent)."""
    for name in RAW_UPDATE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())


class RedactingFormatter(logging.Formatter):
    """Masks NIPs and tokens in the whole formatted record, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


# Fields a log call may add with ``extra=``, copied into the JSON object (never personal data).
JSON_FIELDS = ("update_id", "update_kind", "duration_ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the known extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        entry |= {k: getattr(record, k) for k in JSON_FIELDS if hasattr(record, k)}
        if record.exc_info:
            entry["traceback"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def safe_traceback(error: BaseException) -> str:
    """Where an error happened (the frames and the exception's type), without its message.

    Messages of database and parsing errors may quote the data that failed: NIPs, names,
    birth dates or message text. The frames show only our code.
    """
    frames = "".join(traceback.format_tb(error.__traceback__))
    kind = f"{type(error).__module__}.{type(error).__name__}"
    return f"Traceback (most recent call last):\n{frames}{kind}"


def setup(level: str, form: str = "text") -> None:
    """Configure the root logger once, as lines of text or of JSON; HTTP client request lines
    (with the token) are muted."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter()
        if form == "json"
        else RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    guard_library_loggers()
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    noisy_loggers = ("httpx", "httpcore", "apscheduler", "alembic", "aiosqlite", "asyncio")
    for noisy in (*noisy_loggers, "telegram.ext.Application"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # python-telegram-bot logs whole updates (message text) at DEBUG: never let that through.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
    # SQLAlchemy echoes statement parameters (NIPs, names) at INFO.
    logging.getLogger("sqlalchemy").setLevel(max(logging.WARNING, root.level))
