"""Sending an officer's answer to the person who asked (one of the two modules that send)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import views_knowledge
from bot.hr_queue import HrQueue, Question
from bot.i18n import Translator

log = logging.getLogger(__name__)


async def deliver(bot: Bot, queue: HrQueue, t: Translator, question: Question) -> bool:
    """Send the answer; record success, or count the failure for the sweep to retry."""
    reply = views_knowledge.hr_answer_for_asker(t, question)
    try:
        await bot.send_message(question.user_id, reply.text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.warning("answer to question %d not delivered: %s", question.id, type(exc).__name__)
        await queue.mark_failed(question.id)
        return False
    await queue.mark_delivered(question.id)
    return True


async def deliver_pending(bot: Bot, queue: HrQueue, t: Translator) -> int:
    """Retry every answer that has not reached its asker yet; how many went out."""
    sent = 0
    for question in await queue.undelivered():
        sent += await deliver(bot, queue, t, question)
    return sent
