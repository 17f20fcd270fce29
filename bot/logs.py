"""Logging set-up that keeps personal data and secrets out of the logs."""

from __future__ import annotations

import logging
import re

_NIP = re.compile(r"(?<!\d)\d{18}(?!\d)")
_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactingFilter(logging.Filter):
    """Masks anything shaped like an NIP or a bot token, as a last line of defence."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = _TOKEN.sub("<token>", _NIP.sub("<nip>", message))
        if clean != message:
            record.msg, record.args = clean, None
        return True


def setup(level: str) -> None:
    """Configure the root logger once; HTTP client request lines (with the token) are muted."""
    handler = logging.StreamHandler()
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    noisy_loggers = ("httpx", "httpcore", "apscheduler", "alembic", "aiosqlite", "asyncio")
    for noisy in (*noisy_loggers, "telegram.ext.Application"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # python-telegram-bot logs whole updates (message text) at DEBUG: never let that through.
    logging.getLogger("telegram").setLevel(max(logging.INFO, root.level))
