"""Concurrency: different users' updates run side by side, one user's updates run in order.

Flood control lives here too, before an update takes a place in the queue: each user has a
token bucket (aiolimiter, already python-telegram-bot's rate limiter's), and an update beyond it
is not handled; the user is told so at most once a minute. An update id seen lately (a webhook
delivery Telegram repeats) is handled once. Each handled update is logged with its id, its kind
and how long it took (no user, no text).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiolimiter import AsyncLimiter
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.commands import COMMANDS

log = logging.getLogger(__name__)
SEEN_UPDATES = 10_000  # ids remembered for spotting a re-delivery (minutes of traffic)


def update_key(update: object) -> int | None:
    """Whose update this is: the user, else the chat; None for updates of no one."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Serialises each user's updates behind a lock and caps how many may wait.

    A user beyond ``per_minute`` updates a minute (after a burst of as many), or with more than
    ``max_pending`` updates waiting, has the extra ones dropped: one flooding account holds at
    most that many of the global slots and never starves the rest.
    """

    def __init__(
        self, max_concurrent_updates: int, max_pending: int, per_minute: int = 30
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.max_pending = max_pending
        self.per_minute = per_minute
        self.dropped = 0
        # Set at start-up: tells a user who floods to slow down (at most once a minute).
        self.on_flood: Callable[[Update], Awaitable[None]] | None = None
        self._locks: dict[int, asyncio.Lock] = {}
        self._pending: dict[int, int] = {}
        self._buckets: dict[int, AsyncLimiter] = {}
        self._told: dict[int, float] = {}
        # Update ids seen lately: Telegram re-sends a webhook update whose answer it missed.
        self._seen: OrderedDict[int, None] = OrderedDict()
        self.duplicates = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if self._seen_before(update):
            self.duplicates += 1
            log.info("skipped update %s: delivered twice", getattr(update, "update_id", None))
            _close(coroutine)
            return
        key = update_key(update)
        if key is None:
            await _timed(update, coroutine)
            return
        if self._pending.get(key, 0) >= self.max_pending or not await self._allowed(key):
            self.dropped += 1
            log.warning("dropped an update from a flooding user (%d dropped so far)", self.dropped)
            _close(coroutine)
            await self._tell(key, update)
            return
        self._pending[key] = self._pending.get(key, 0) + 1
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                await _timed(update, coroutine)
        finally:
            self._pending[key] -= 1
            if self._pending[key] == 0:
                del self._pending[key]
                self._locks.pop(key, None)

    def _seen_before(self, update: object) -> bool:
        uid = update.update_id if isinstance(update, Update) else 0
        if not uid:  # 0: an update the library could not parse
            return False
        if uid in self._seen:
            return True
        self._seen[uid] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)
        return False

    async def _allowed(self, key: int) -> bool:
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) > 10_000:
                self._forget_quiet_users()
            bucket = self._buckets[key] = AsyncLimiter(self.per_minute, 60)
        if not bucket.has_capacity():
            return False
        await bucket.acquire()  # there is capacity: takes it without waiting
        return True

    def _forget_quiet_users(self) -> None:
        """Buckets that have run empty again remember nothing worth keeping."""
        for key in [k for k, b in self._buckets.items() if b.has_capacity(b.max_rate)]:
            del self._buckets[key]
        limit = time.monotonic() - 60
        for key in [k for k, at in self._told.items() if at < limit]:
            del self._told[key]

    async def _tell(self, key: int, update: object) -> None:
        now = time.monotonic()
        if self.on_flood is None or not isinstance(update, Update):
            return
        if now - self._told.get(key, -60.0) < 60:
            return
        self._told[key] = now
        try:
            await self.on_flood(update)
        except Exception as exc:  # a notice that cannot go out changes nothing
            log.warning("could not tell a flooding user to slow down: %s", type(exc).__name__)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: the locks die with the process."""


_WORD = re.compile(r"[a-z_]{1,32}")
# Only the bot's own command names are logged: "/budi" is text the person typed.
_COMMANDS = frozenset(name for c in COMMANDS for name in (c.name, *c.aliases))


def update_kind(update: object) -> str:
    """What an update is, for the logs: "command:start", "button:hr", "message", "document"…
    Only fixed vocabulary: a command that is not the bot's, or a button name that is not a
    plain word, is not repeated."""
    if not isinstance(update, Update):
        return "other"
    query = update.callback_query
    if query is not None:
        prefix = (query.data or "").split(":", 1)[0]
        return f"button:{prefix}" if _WORD.fullmatch(prefix) else "button"
    message = update.message or update.edited_message
    if message is None:
        return "other"
    edited = "edited_" if update.edited_message is not None else ""
    if message.text and message.text.startswith("/"):
        name = (
            message.text[1:].split(maxsplit=1)[0].split("@", 1)[0] if len(message.text) > 1 else ""
        )
        return f"{edited}command:{name}" if name in _COMMANDS else f"{edited}command"
    if message.document is not None:
        return f"{edited}document"
    return f"{edited}message" if message.text else f"{edited}other_message"


async def _timed(update: object, coroutine: Awaitable[Any]) -> None:
    started = time.perf_counter()
    try:
        await coroutine
    finally:
        ms = round((time.perf_counter() - started) * 1000, 1)
        uid = update.update_id if isinstance(update, Update) else None
        kind = update_kind(update)
        log.info("update %s (%s) handled in %.1f ms", uid, kind, ms,
                 extra={"update_id": uid, "update_kind": kind, "duration_ms": ms})  # fmt: skip


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
