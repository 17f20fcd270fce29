"""Group -1: drop what the bot does not serve, then remember the user and their language."""

from __future__ import annotations

from dataclasses import replace

from telegram import Chat, Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.access import SUPER
from bot.context import LANGUAGE_OVERRIDE, BotContext
from bot.i18n import pick_language
from bot.replies import Reply
from handlers.common import send


async def gate(update: Update, context: BotContext) -> None:
    """Only private chats with people are served; edits are not read again.

    Buttons pressed in a group or channel or carrying no data, updates without a user and
    edited messages stop here, before anything touches the database.
    """
    user, chat, query = update.effective_user, update.effective_chat, update.callback_query
    private = chat is not None and chat.type == Chat.PRIVATE
    # A button without data would match every button handler (python-telegram-bot lets
    # patterned handlers accept it), so it stops here too.
    if query is not None and (not private or not query.data):
        await query.answer()
        raise ApplicationHandlerStop
    if not private or user is None or user.is_bot:
        raise ApplicationHandlerStop
    if update.edited_message is not None:
        t = context.services.translate
        lang = pick_language(None, user.language_code, t.default)
        await send(update, Reply(t(lang, "fallback.edited")))
        raise ApplicationHandlerStop
    info = await context.services.users.touch(user.id, user.language_code)
    if (override := context.bot_data.get(LANGUAGE_OVERRIDE)) is not None:
        info = replace(info, language=override)
    if user.id in context.services.config.superadmins:
        info = replace(info, access=SUPER)
    context.user_info = info


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, gate), group=-1)
