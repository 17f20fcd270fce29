"""The one sender of messages the bot sends on its own: paced, resumable, exactly once.

One process at a time holds the sender lease (the rate limit belongs to the bot token, not to
a process). Each row is rendered when it is sent, in the recipient's language, by the renderer
registered for its kind; a renderer returning None means the message no longer applies.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.keyboard import markup
from bot.outbox.store import Item, Outbox, new_token
from bot.replies import Reply, split_reply
from db.base import utcnow

log = logging.getLogger(__name__)

LEASE = "outbox"
PER_CHAT_SECONDS = 1.0  # Telegram: about one message per second to one chat
# The lease is renewed after every batch; a holder that died frees it this soon.
LEASE_SECONDS = 20
PAUSE_LIMIT = 30  # longest wait after a 429 within one round (the row waits its full time)
Renderer = Callable[[Item], Awaitable[list[Reply] | None]]


class Outcome(Enum):
    SENT = "sent"
    DROPPED = "cancelled"  # nothing to send any more
    UNREACHABLE = "unreachable"
    FAILED = "failed"
    LATER = "later"
    PAUSE = "pause"  # Telegram asked to slow down: stop this round


@dataclass
class Report:
    held: bool = True
    outcomes: dict[str, int] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return self.outcomes.get(Outcome.SENT.value, 0)


class Sender:
    def __init__(
        self,
        outbox: Outbox,
        per_second: float,
        clock: Callable[[], datetime] = utcnow,
        holder: str | None = None,
    ) -> None:
        self.outbox = outbox
        self.renderers: dict[str, Renderer] = {}
        self._interval = 1.0 / per_second
        self._batch = max(1, int(per_second))
        self._clock = clock
        self.holder = holder or new_token()
        self._last_send = 0.0
        self._last_to: dict[int, float] = {}
        self._lock = asyncio.Lock()

    def register(self, kind: str, renderer: Renderer) -> None:
        self.renderers[kind] = renderer

    async def send_due(
        self, bot: Bot, budget_seconds: float = 50.0, only_chat: int | None = None
    ) -> Report:
        """Send what is due, paced, for at most about ``budget_seconds``; one round at a time
        per process, and none while another process holds the lease. ``only_chat`` limits
        the round to one recipient (the console chat)."""
        if self._lock.locked():
            return Report(held=False)
        async with self._lock:
            return await self._round(bot, budget_seconds, only_chat)

    async def _round(self, bot: Bot, budget_seconds: float, only_chat: int | None) -> Report:
        lease_seconds = LEASE_SECONDS
        if not await self.outbox.hold_lease(LEASE, self.holder, self._clock(), lease_seconds):
            return Report(held=False)
        report, token, started = Report(), new_token(), time.monotonic()
        try:
            while time.monotonic() - started < budget_seconds:
                items = await self.outbox.claim(token, self._clock(), self._batch, only_chat)
                if not items:
                    break
                if await self._send_batch(bot, items, token, report):
                    break
                await self.outbox.hold_lease(LEASE, self.holder, self._clock(), lease_seconds)
        finally:
            await self.outbox.release_claims(token)
            await self.outbox.release(LEASE, self.holder, self._clock())
        if report.outcomes:
            log.info(
                "outbox: %s", ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items()))
            )
        return report

    async def _send_batch(self, bot: Bot, items: list[Item], token: str, report: Report) -> bool:
        """Send a claimed batch; True when Telegram asked to pause."""
        for item in items:
            outcome = await self._one(bot, item, token)
            report.outcomes[outcome.value] = report.outcomes.get(outcome.value, 0) + 1
            if outcome is Outcome.PAUSE:
                return True
        return False

    async def _one(self, bot: Bot, item: Item, token: str) -> Outcome:
        renderer = self.renderers.get(item.kind)
        replies = await renderer(item) if renderer is not None else None
        if not replies:
            await self.outbox.finish(item, token, "cancelled", self._clock())
            return Outcome.DROPPED
        try:
            for reply in replies:
                for part in split_reply(reply):
                    await self._pace(item.chat_id)
                    await bot.send_message(item.chat_id, part.text, parse_mode=ParseMode.HTML,
                                           reply_markup=markup(part))  # fmt: skip
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await self.outbox.later(item, token, self._clock() + timedelta(seconds=seconds),
                                    "RetryAfter", counts=False)  # fmt: skip
            pause = min(seconds, PAUSE_LIMIT)
            await self.outbox.hold_lease(LEASE, self.holder, self._clock(), pause + LEASE_SECONDS)
            await asyncio.sleep(pause)
            return Outcome.PAUSE
        except Forbidden:
            await self.outbox.finish(item, token, "unreachable", self._clock(), "Forbidden")
            return Outcome.UNREACHABLE
        except BadRequest as exc:
            log.error("outbox row %d refused by Telegram: %s", item.id, type(exc).__name__)
            await self.outbox.finish(item, token, "failed", self._clock(), type(exc).__name__)
            return Outcome.FAILED
        except TelegramError as exc:
            backoff = timedelta(seconds=30 * 2**item.attempts)
            await self.outbox.later(item, token, self._clock() + backoff, type(exc).__name__)
            return Outcome.LATER
        await self.outbox.finish(item, token, "sent", self._clock())
        return Outcome.SENT

    async def _pace(self, chat_id: int) -> None:
        """Keep to the configured overall rate and to one message a second per chat."""
        now = time.monotonic()
        wait = max(
            self._last_send + self._interval - now,
            self._last_to.get(chat_id, -PER_CHAT_SECONDS) + PER_CHAT_SECONDS - now,
        )
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_send = self._last_to[chat_id] = time.monotonic()
        if len(self._last_to) > 10_000:
            horizon = self._last_send - PER_CHAT_SECONDS
            self._last_to = {c: t for c, t in self._last_to.items() if t > horizon}
