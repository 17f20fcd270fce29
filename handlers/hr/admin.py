"""Admin commands. Every handler here carries the one admin filter."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.commands import names
from bot.config import Config
from bot.context import BotContext
from bot.hr import stats
from bot.hr import views as hr_views
from handlers.common import PRIVATE, send


def admin_filter(config: Config) -> filters.BaseFilter:
    """Messages from the superadmins named in the configuration."""
    return filters.User(user_id=config.superadmins, allow_empty=False)


async def admin_press(update: Update, context: BotContext) -> int | None:
    """The number an admin's button carries last in its data; None for anyone else (a forged
    press is acknowledged and ignored)."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    if not context.services.is_admin(query.from_user.id):
        return None
    return int(query.data.rsplit(":", 1)[1])


async def admin_overview(update: Update, context: BotContext) -> None:
    """What the database holds, for the admin."""
    svc = context.services
    result = await stats.overview(svc.sessions)
    ratings = await svc.ratings.totals()
    await send(update, hr_views.admin_overview(svc.translate, context.lang, result, ratings))


def register(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    only_admins = admin_filter(config) & PRIVATE
    app.add_handler(CommandHandler(names("admin"), admin_overview, filters=only_admins))
