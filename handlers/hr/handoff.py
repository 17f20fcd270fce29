"""The "send to HR" button under an answer the bot could not give."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks, views
from bot.context import BotContext
from bot.jobs import send_soon
from handlers.common import send


async def send_to_hr(update: Update, context: BotContext) -> None:
    """Queue the offered question; a second press or a forged one changes nothing."""
    query = update.callback_query
    assert query is not None
    number = await context.services.handoff.send_pending(query.from_user.id)
    t = context.services.translate
    if number is None:
        await query.answer(t(context.lang, "handoff.nothing_pending"))
        return
    await query.answer()
    await send(update, views.question_queued(t, context.lang, number))
    send_soon(context)  # the admins of the asker's queue hear of it at once


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(send_to_hr, pattern=callbacks.HANDOFF_PATTERN))
