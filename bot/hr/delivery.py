"""Sending an officer's answer to the person who asked (one of the two modules that send)."""

from __future__ import annotations

import logging
from enum import Enum

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.hr import views as hr_views
from bot.hr.questions import HrQueue, Question
from bot.i18n import Translator

log = logging.getLogger(__name__)


class Delivery(Enum):
    SENT = "sent"
    RETRY = "retry"  # Telegram unreachable or busy: the sweep tries again
    FAILED = "failed"  # blocked by the asker, or refused by Telegram: trying again cannot help


async def deliver(bot: Bot, queue: HrQueue, t: Translator, question: Question) -> Delivery:
    """Send the answer (in several messages when long); record the outcome."""
    try:
        for reply in hr_views.hr_answer_for_asker(t, question):
            await bot.send_message(question.user_id, reply.text, parse_mode=ParseMode.HTML)
    except (Forbidden, BadRequest) as exc:
        log.error("answer to question %d cannot be delivered: %s", question.id,
                  type(exc).__name__)  # fmt: skip
        await queue.mark_failed(question.id, permanent=True)
        return Delivery.FAILED
    except TelegramError as exc:
        log.warning("answer to question %d not delivered yet: %s", question.id,
                    type(exc).__name__)  # fmt: skip
        await queue.mark_failed(question.id, permanent=False)
        return Delivery.RETRY
    await queue.mark_delivered(question.id)
    return Delivery.SENT


async def deliver_pending(bot: Bot, queue: HrQueue, t: Translator) -> int:
    """Retry every answer that has not reached its asker yet; how many went out."""
    sent = 0
    for question in await queue.undelivered():
        sent += await deliver(bot, queue, t, question) is Delivery.SENT
    return sent
