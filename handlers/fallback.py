"""The catch-all: an unfinished conversation's next step, else the answer to free text.

Registered last in group 0, so every command and button handler is tried first.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot import views
from bot.accounts.dialogs import Dialog
from bot.context import BotContext
from bot.replies import Reply
from bot.sensitive import looks_secret
from handlers.accounts import LINK_FLOW, linking_echo
from handlers.common import PRIVATE, send
from handlers.knowledge import answer_question

FlowStep = Callable[[Update, BotContext, Dialog], Awaitable[None]]
FLOWS_KEY = "flows"
MEDIA_FLOWS_KEY = "media_flows"  # conversations whose next message may be a photo or file


async def catch_all(update: Update, context: BotContext) -> None:
    """Route text to the user's open conversation, or answer it."""
    assert update.effective_user is not None
    dialog = context.user_info.dialog if context.user_info else None  # read by the gate
    flows: Mapping[str, FlowStep] = context.bot_data.get(FLOWS_KEY, {})
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    # A password or code is never stored or passed on (the linking code is expected, though).
    if (dialog is None or dialog.flow != LINK_FLOW) and looks_secret(text):
        await send(update, Reply(context.services.translate(context.lang, "security.secret")))
        return
    if dialog is not None and dialog.flow in flows:
        await flows[dialog.flow](update, context, dialog)
        return
    if await linking_echo(update, context, text):
        return
    await answer_question(update, context, text)


async def unknown_command(update: Update, context: BotContext) -> None:
    await send(update, views.unknown_command(context.services.translate, context.lang))


async def ignore_callback(update: Update, _context: BotContext) -> None:
    """Stale or forged button data: stop the client's spinner and change nothing."""
    assert update.callback_query is not None
    await update.callback_query.answer()


def register(
    app: Application,  # type: ignore[type-arg]
    flows: Mapping[str, FlowStep],
    media_flows: frozenset[str] = frozenset(),
) -> None:
    app.bot_data[FLOWS_KEY] = dict(flows)
    app.bot_data[MEDIA_FLOWS_KEY] = media_flows
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(PRIVATE & filters.TEXT, catch_all))
    app.add_handler(MessageHandler(PRIVATE & ~filters.TEXT, catch_all_media))
    app.add_handler(CallbackQueryHandler(ignore_callback))


async def to_media_flow(update: Update, context: BotContext) -> bool:
    """Hand a photo or file to the open conversation that asked for one; False if none did."""
    dialog = context.user_info.dialog if context.user_info else None
    flows: Mapping[str, FlowStep] = context.bot_data.get(FLOWS_KEY, {})
    if dialog is None or dialog.flow not in context.bot_data.get(MEDIA_FLOWS_KEY, ()):
        return False
    await flows[dialog.flow](update, context, dialog)
    return True


async def catch_all_media(update: Update, context: BotContext) -> None:
    """Photos, stickers, voice notes: the open conversation's, or say what the bot reads."""
    if await to_media_flow(update, context):
        return
    await send(update, views.not_understood(context.services.translate, context.lang, False))
