"""Group -1: remember every user and their language before any other handler runs."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, TypeHandler

from bot.context import BotContext


async def remember_user(update: Update, context: BotContext) -> None:
    """Create or refresh the user's row and keep their language for this update."""
    user = update.effective_user
    if user is None or user.is_bot:
        return
    context.user_info = await context.services.users.touch(user.id, user.language_code)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, remember_user), group=-1)
