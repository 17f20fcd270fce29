"""/start, /bantuan, /privasi, /bahasa, /batal and the main-menu buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, views
from bot.commands import names
from bot.context import BotContext
from handlers.common import PRIVATE, send


async def start(update: Update, context: BotContext) -> None:
    """Greet, show the short privacy notice and the main actions."""
    assert context.user_info is not None
    await send(update, views.welcome(context.services.translate, context.user_info))


async def show_help(update: Update, context: BotContext) -> None:
    await send(
        update,
        views.help_text(
            context.services.translate, context.lang, _consented(context), context.access
        ),
    )


async def show_privacy(update: Update, context: BotContext) -> None:
    consent = context.user_info.consent_at if context.user_info else None
    await send(update, views.privacy(context.services.translate, context.lang, consent))


async def choose_language(update: Update, context: BotContext) -> None:
    await send(update, views.language_menu(context.services.translate, context.lang))


async def cancel(update: Update, context: BotContext) -> None:
    """End any unfinished multi-step conversation."""
    assert update.effective_user is not None
    ended = await context.services.dialogs.end(update.effective_user.id)
    await send(update, views.cancelled(context.services.translate, context.lang, ended))


async def set_language(update: Update, context: BotContext) -> None:
    """Store the language picked with a button and confirm in that language."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    code = query.data.split(":", 1)[1]
    await query.answer()
    await context.services.users.set_language(query.from_user.id, code)
    await send(update, views.language_set(context.services.translate, code))


async def menu_button(update: Update, context: BotContext) -> None:
    """A main-menu button: the same answers as the commands."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    action = query.data.split(":", 1)[1]
    if action == "consent":
        when = await context.services.users.give_consent(query.from_user.id)
        await send(update, views.consent_recorded(context.services.translate, context.lang, when))
    else:
        await _MENU[action](update, context)


_MENU = {"help": show_help, "privacy": show_privacy, "language": choose_language}


def _consented(context: BotContext) -> bool:
    return bool(context.user_info and context.user_info.consent_at)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(names("start"), start, filters=PRIVATE))
    app.add_handler(CommandHandler(names("bantuan"), show_help, filters=PRIVATE))
    app.add_handler(CommandHandler(names("privasi"), show_privacy, filters=PRIVATE))
    app.add_handler(CommandHandler(names("bahasa"), choose_language, filters=PRIVATE))
    app.add_handler(CommandHandler(names("batal"), cancel, filters=PRIVATE))
    app.add_handler(CallbackQueryHandler(set_language, pattern=callbacks.LANGUAGE_PATTERN))
    app.add_handler(CallbackQueryHandler(menu_button, pattern=callbacks.MENU_PATTERN))
