"""Can the bot work: its database, the Bot API, and the sender's backlog.

``asnbot health`` prints it and exits 1 when something is down; in webhook mode the same check
answers ``GET /health`` on its own port for a load balancer or a monitoring probe. Only counts,
times and error class names: nothing personal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.outbox.store import Outbox

if TYPE_CHECKING:
    from telegram import Bot
    from tornado.httpserver import HTTPServer

TIMEOUT_SECONDS = 5.0
NOT_CONFIGURED = "not configured"


@dataclass(frozen=True)
class Health:
    database: str  # "ok" or what went wrong
    bot_api: str  # "ok", "not configured" (console only) or what went wrong
    backlog: int | None  # messages due and not sent yet
    oldest_due_seconds: int | None  # how long the oldest of them has waited
    sender: str  # "active": a process holds the sending lease; "idle": none does now

    @property
    def ok(self) -> bool:
        return self.database == "ok" and self.bot_api in ("ok", NOT_CONFIGURED)

    def as_json(self) -> str:
        return json.dumps({"ok": self.ok, **asdict(self)}, sort_keys=True)

    def lines(self) -> list[str]:
        waited = "" if self.oldest_due_seconds is None else f", oldest {self.oldest_due_seconds} s"
        backlog = "unknown" if self.backlog is None else f"{self.backlog} due{waited}"
        return [
            f"database: {self.database}",
            f"bot api: {self.bot_api}",
            f"sender: {self.sender}, backlog {backlog}",
            "healthy" if self.ok else "UNHEALTHY",
        ]


async def check(outbox: Outbox, bot: Bot | None, now: datetime) -> Health:
    """Both probes at once, each given at most TIMEOUT_SECONDS."""
    (database, backlog, oldest, sender), api = await asyncio.gather(
        _database(outbox, now), _bot_api(bot)
    )
    return Health(database, api, backlog, oldest, sender)


async def _database(outbox: Outbox, now: datetime) -> tuple[str, int | None, int | None, str]:
    try:
        due, oldest, lease_until = await asyncio.wait_for(outbox.backlog(now), TIMEOUT_SECONDS)
    except Exception as exc:  # any failure is the answer, named by its class only
        return _problem(exc), None, None, "unknown"
    waited = None if oldest is None else max(int((now - oldest).total_seconds()), 0)
    sender = "active" if lease_until is not None and lease_until > now else "idle"
    return "ok", due, waited, sender


async def _bot_api(bot: Bot | None) -> str:
    if bot is None:
        return NOT_CONFIGURED
    try:
        await asyncio.wait_for(_ask_telegram(bot), TIMEOUT_SECONDS)
    except Exception as exc:  # unreachable, 5xx, a revoked token: all mean "cannot send"
        return _problem(exc)
    return "ok"


async def _ask_telegram(bot: Bot) -> None:
    await bot.initialize()  # nothing when the running bot already did
    await bot.get_me()


def _problem(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    cause = getattr(exc, "orig", None)  # the driver's own error under SQLAlchemy's
    if re.search(r"no such table|relation \S+ does not exist", str(cause)):
        return "no tables yet: run asnbot db upgrade"
    return f"error: {type(exc).__name__}"


async def check_once(config: Config) -> Health:
    """The check from outside a running bot (``asnbot health``): its own engine and Bot."""
    from db.base import utcnow
    from db.session import create_engine, session_factory

    engine = create_engine(config.database_url, busy_timeout_ms=config.sqlite_busy_timeout_ms)
    bot = None
    if config.telegram.token:
        from telegram import Bot

        bot = Bot(config.telegram.token, base_url=config.telegram.api_base_url)
    try:
        return await check(Outbox(session_factory(engine)), bot, utcnow())
    finally:
        await engine.dispose()
        if bot is not None:
            with contextlib.suppress(Exception):
                await bot.shutdown()


def serve_http(outbox: Outbox, bot: Bot, clock: Any, listen: str, port: int) -> HTTPServer:
    """``GET /health`` on its own port: 200 with the JSON when healthy, else 503."""
    from tornado.httpserver import HTTPServer
    from tornado.web import Application, RequestHandler

    class HealthHandler(RequestHandler):
        async def get(self) -> None:
            health = await check(outbox, bot, clock())
            self.set_status(200 if health.ok else 503)
            self.set_header("Content-Type", "application/json")
            self.set_header("Cache-Control", "no-store")
            self.finish(health.as_json())

    server = HTTPServer(Application([(r"/health", HealthHandler)]))
    server.listen(port, address=listen)
    return server
