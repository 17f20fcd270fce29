"""The bot's Bot: long polling that survives an update the library cannot parse, replies that
survive a short Telegram outage, and a count of every message for the outbox sender.

python-telegram-bot parses a getUpdates batch as a whole: one update it cannot read (a type from
a newer or older Bot API server, say) fails the batch, the offset never moves and polling stops
for everyone. ``SafeBot`` asks again for that batch only when parsing failed, reads its updates
one by one and replaces an unreadable one by a bare update with its id, which the bot skips, so
the offset moves past it. A batch that parses costs nothing extra.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut
from telegram.ext import ExtBot

from bot.logs import guard_library_loggers
from bot.outbox.traffic import OUTBOX_SENDING, Traffic

log = logging.getLogger(__name__)
guard_library_loggers()

# The update types the handlers serve; Telegram sends no others.
ALLOWED_UPDATES = ["message", "callback_query"]
# A reply that met a Telegram 5xx or a refused connection is sent again after these pauses: the
# update it answers is already read, so a lost reply would be lost for good. Not on a timeout
# (Telegram may have sent it), not on a 400 (python-telegram-bot's BadRequest is a NetworkError
# too), and not for the outbox, whose rows wait and go back.
REPLY_RETRY_PAUSES = (1.0, 3.0)
_REPLIES = ("send", "edit", "copyMessage", "forwardMessage")


class SafeBot(ExtBot[Any]):
    _traffic: Traffic | None = None

    def count_into(self, traffic: Traffic) -> None:
        """Note every message to a chat in ``traffic``: the outbox sender leaves room for the
        replies to people."""
        self._traffic = traffic

    async def _do_post(self, endpoint: str, data: Any, **kwargs: Any) -> Any:
        if self._traffic is not None and "chat_id" in data:
            self._traffic.note()
        if not endpoint.startswith(_REPLIES) or OUTBOX_SENDING.get():
            return await super()._do_post(endpoint, data, **kwargs)
        for pause in (*REPLY_RETRY_PAUSES, None):
            try:
                return await super()._do_post(endpoint, data, **kwargs)
            except (TimedOut, BadRequest):  # may have arrived; refused for good (400)
                raise
            except NetworkError as exc:
                if pause is None:
                    raise
                log.warning("%s met %s; again in %.0f s", endpoint, type(exc).__name__, pause)
                await asyncio.sleep(pause)
        raise AssertionError("unreachable")  # the last try returns or raises

    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,  # noqa: ASYNC109  (the Bot API's long-poll seconds)
        allowed_updates: Any = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        try:
            return await super().get_updates(offset, limit, timeout, allowed_updates, **kwargs)
        except TelegramError:
            raise
        except Exception as exc:  # the batch did not parse; its content is never logged
            log.warning("an update could not be parsed (%s); reading the batch one by one",
                        type(exc).__name__)  # fmt: skip
        data = {"offset": offset, "limit": limit, "timeout": 0, "allowed_updates": allowed_updates}
        raw = await self._post("getUpdates", {k: v for k, v in data.items() if v is not None})
        return tuple(_readable(item, self) for item in raw if isinstance(item, dict))


def _readable(raw: dict[str, Any], bot: ExtBot[Any]) -> Update:
    try:
        return Update.de_json(raw, bot)
    except Exception as exc:
        update_id = raw.get("update_id")
        log.warning("skipped update %s: cannot be parsed (%s)", update_id, type(exc).__name__)
        return Update(update_id=update_id if isinstance(update_id, int) else 0)
