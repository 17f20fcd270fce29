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
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.keyboard import markup
from bot.outbox.store import LEASE, Item, Outbox, new_token
from bot.outbox.traffic import OUTBOX_SENDING, Traffic
from bot.replies import CAPTION_LIMIT, Reply, split_reply, visible_length
from db.base import utcnow

log = logging.getLogger(__name__)

PER_CHAT_SECONDS = 1.1  # Telegram: about one message per second to one chat (with a margin)
PAUSE_LIMIT = 30  # longest wait after a 429 within one round (the row waits its full time)
OUTAGE_PAUSES = (1.0, 60.0)  # Telegram unreachable or 5xx: first wait, doubling up to the last
YIELD_LIMIT = 1.0  # the longest a message waits for replies to people: a broadcast never stops
Renderer = Callable[[Item], Awaitable[list[Reply] | None]]


class Outcome(Enum):
    SENT = "sent"
    DROPPED = "cancelled"  # nothing to send any more
    UNREACHABLE = "unreachable"
    FAILED = "failed"
    LATER = "later"
    PAUSE = "pause"  # Telegram asked to slow down or is unreachable: wait


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
        # The lease is renewed after every batch; a holder that died frees it this soon.
        self._lease = max(5.0, outbox.claim_seconds * 4 / 9)  # 20 s for the default 45
        self.renderers: dict[str, Renderer] = {}
        self._interval = 1.0 / per_second
        # Everything the bot sends, when the bot notes it (SafeBot does): own messages and
        # replies together stay under the rate plus one, so the sender alone is never slowed.
        self.traffic = Traffic()
        self._cap = int(per_second) + 1
        self._batch = max(1, int(per_second))
        self._clock = clock
        self.holder = holder or new_token()
        self._last_send = 0.0
        self._next_slot = 0.0  # the earliest moment of the next message (monotonic)
        self._last_to: dict[int, float] = {}
        self._lock = asyncio.Lock()
        self._pace_lock = asyncio.Lock()
        self._resume_at = 0.0  # monotonic time before which nothing is sent (429, outage)
        self._network_failures = 0  # in a row, with no message sent in between
        self._stopping = False

    def register(self, kind: str, renderer: Renderer) -> None:
        self.renderers[kind] = renderer

    @property
    def busy(self) -> bool:
        """A round is under way in this process."""
        return self._lock.locked()

    def stop(self) -> None:
        """Finish the messages in flight and start no more (the bot is shutting down)."""
        self._stopping = True

    async def send_due(
        self, bot: Bot, budget_seconds: float = 50.0, only_chat: int | None = None
    ) -> Report:
        """Send what is due, paced, for at most about ``budget_seconds``; one round at a time
        per process, and none while another process holds the lease. ``only_chat`` limits
        the round to one recipient (the console chat)."""
        if self._lock.locked() or self._stopping:
            return Report(held=False)
        async with self._lock:
            return await self._round(bot, budget_seconds, only_chat)

    async def _round(self, bot: Bot, budget_seconds: float, only_chat: int | None) -> Report:
        if not await self.outbox.hold_lease(LEASE, self.holder, self._clock(), self._lease):
            return Report(held=False)
        report, token, started = Report(), new_token(), time.monotonic()
        flying: set[asyncio.Task[None]] = set()
        try:
            while time.monotonic() - started < budget_seconds and not self._stopping:
                if (wait := self._resume_at - time.monotonic()) > 0:  # Telegram: slow down
                    pause = min(wait, PAUSE_LIMIT)
                    now = self._clock()
                    await self.outbox.hold_lease(LEASE, self.holder, now, pause + self._lease)
                    await asyncio.sleep(pause)
                items = await self.outbox.claim(token, self._clock(), self._batch, only_chat)
                if not items:
                    break
                await self._start_batch(bot, items, token, report, flying)
                if len(flying) > 2 * self._batch:  # slow answers: wait rather than pile up
                    await asyncio.wait(flying, return_when=asyncio.FIRST_COMPLETED)
                await self.outbox.hold_lease(LEASE, self.holder, self._clock(), self._lease)
        finally:
            if flying:
                await asyncio.gather(*flying, return_exceptions=True)
            await self.outbox.release_claims(token)
            await self.outbox.release(LEASE, self.holder, self._clock())
        if report.outcomes:
            log.info(
                "outbox: %s", ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items()))
            )
        return report

    async def _start_batch(
        self, bot: Bot, items: list[Item], token: str, report: Report,
        flying: set[asyncio.Task[None]],
    ) -> None:  # fmt: skip
        """Render each claimed message, then send it at its paced moment; the sends complete
        concurrently (a round trip to Telegram takes longer than the gap between two messages).
        Rendering comes first, so its database reads never bunch the sends together."""
        for number, item in enumerate(items):
            if self._stopping or self._resume_at > time.monotonic():
                for left in items[number:]:  # back to the queue, due again at once
                    await self.outbox.later(left, token, self._clock(), "not tried", counts=False)
                return
            renderer = self.renderers.get(item.kind)
            try:
                replies = await renderer(item) if renderer is not None else None
            except Exception as exc:  # a database hiccup: the claim expires, the row is retried
                log.error("outbox row %d: %s", item.id, type(exc).__name__)
                _tally(report, Outcome.LATER)
                continue
            if not replies:
                await self.outbox.finish(item, token, "cancelled", self._clock())
                _tally(report, Outcome.DROPPED)
                continue
            await self._pace(item.chat_id)
            task = asyncio.create_task(self._count(bot, item, token, replies, report))
            flying.add(task)
            task.add_done_callback(flying.discard)

    async def _count(
        self, bot: Bot, item: Item, token: str, replies: list[Reply], report: Report
    ) -> None:
        OUTBOX_SENDING.set(True)  # this task's own context
        try:
            outcome = await self._one(bot, item, token, replies)
        except Exception as exc:  # a database hiccup: the claim expires and the row is retried
            log.error("outbox row %d: %s", item.id, type(exc).__name__)
            outcome = Outcome.LATER
        _tally(report, outcome)

    async def _one(self, bot: Bot, item: Item, token: str, replies: list[Reply]) -> Outcome:
        try:
            for number, reply in enumerate(replies):
                if number:
                    await self._pace(item.chat_id)
                await deliver(bot, item.chat_id, reply, lambda: self._pace(item.chat_id))
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            self._resume_at = max(self._resume_at, time.monotonic() + seconds)
            await self.outbox.later(item, token, self._clock() + timedelta(seconds=seconds),
                                    "RetryAfter", counts=False)  # fmt: skip
            return Outcome.PAUSE
        except Forbidden:
            await self.outbox.finish(item, token, "unreachable", self._clock(), "Forbidden")
            return Outcome.UNREACHABLE
        except BadRequest as exc:
            log.error("outbox row %d refused by Telegram: %s", item.id, type(exc).__name__)
            await self.outbox.finish(item, token, "failed", self._clock(), type(exc).__name__)
            return Outcome.FAILED
        except NetworkError as exc:
            return await self._outage(item, token, exc)
        except TelegramError as exc:
            backoff = timedelta(seconds=30 * 2**item.attempts)
            await self.outbox.later(item, token, self._clock() + backoff, type(exc).__name__)
            return Outcome.LATER
        self._network_failures = 0
        await self.outbox.finish(item, token, "sent", self._clock())
        return Outcome.SENT

    async def _outage(self, item: Item, token: str, exc: NetworkError) -> Outcome:
        """Telegram unreachable or answering 5xx: everything waits, longer each time, and the
        row goes back. Only the first failure after a message went out counts as an attempt,
        so an outage of any length fails no row, while a row that fails alone still ends."""
        first, longest = OUTAGE_PAUSES
        counts = self._network_failures == 0
        seconds = min(longest, first * 2**self._network_failures)
        self._network_failures += 1
        self._resume_at = max(self._resume_at, time.monotonic() + seconds)
        log.warning("outbox: Telegram unreachable (%s), waiting %.0f s", type(exc).__name__,
                    seconds)  # fmt: skip
        await self.outbox.later(item, token, self._clock() + timedelta(seconds=seconds),
                                type(exc).__name__, counts=counts)  # fmt: skip
        return Outcome.PAUSE

    async def _pace(self, chat_id: int) -> None:
        """Keep to the configured overall rate and to one message a second per chat (the
        next message's moment is taken under a lock: sends overlap, their starts do not)."""
        async with self._pace_lock:
            now = time.monotonic()
            # Moments on a fixed grid: a late wake-up does not push every later message back.
            start = max(
                self._next_slot,
                now,
                self._last_to.get(chat_id, -PER_CHAT_SECONDS) + PER_CHAT_SECONDS,
                self._resume_at,
            )
            if start > now:
                await asyncio.sleep(start - now)
            if await self._made_room():
                start = time.monotonic()
            self._next_slot = start + self._interval
            self._last_send = self._last_to[chat_id] = max(start, time.monotonic())
        if len(self._last_to) > 10_000:
            horizon = self._last_send - PER_CHAT_SECONDS
            self._last_to = {c: t for c, t in self._last_to.items() if t > horizon}

    async def _made_room(self) -> bool:
        """Replies to people go first: wait, at most ``YIELD_LIMIT``, while the bot's messages
        of the last second fill the rate. True when it waited."""
        deadline = time.monotonic() + YIELD_LIMIT
        waited = False
        while (wait := self.traffic.wait_for_room(self._cap)) > 0:
            if (left := deadline - time.monotonic()) <= 0:
                break
            await asyncio.sleep(min(wait, left))
            waited = True
        return waited


def _tally(report: Report, outcome: Outcome) -> None:
    report.outcomes[outcome.value] = report.outcomes.get(outcome.value, 0) + 1


async def deliver(
    bot: Bot, chat_id: int, reply: Reply, pace: Callable[[], Awaitable[None]]
) -> None:
    """One reply: its photo or document first (with the text as caption when it fits), then the
    text in as many messages as it needs, the buttons under the last."""
    parts = split_reply(reply)
    if reply.media is not None:
        kind, file_id = reply.media
        caption = (
            parts[0] if len(parts) == 1 and visible_length(reply.text) <= CAPTION_LIMIT else None
        )
        buttons = markup(caption) if caption is not None else None
        text = caption.text if caption is not None else None
        if kind == "photo":
            await bot.send_photo(chat_id, file_id, caption=text, parse_mode=ParseMode.HTML,
                                 reply_markup=buttons)  # fmt: skip
        else:
            await bot.send_document(chat_id, file_id, caption=text, parse_mode=ParseMode.HTML,
                                    reply_markup=buttons)  # fmt: skip
        if caption is not None:
            return
        await pace()
    for number, part in enumerate(parts):
        if number:
            await pace()
        await bot.send_message(chat_id, part.text, parse_mode=ParseMode.HTML,
                               reply_markup=markup(part))  # fmt: skip
