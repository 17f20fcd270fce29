"""The composition root: build the Application, start it up and shut it down."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot import jobs, menus
from bot.config import Config
from bot.context import SERVICES_KEY, BotContext, Services
from bot.memory import give_back_freed_memory
from bot.safe_updates import SafeBot
from bot.updates import PerUserUpdateProcessor
from db.migrate import upgrade
from handlers.fallback import FlowStep

log = logging.getLogger(__name__)

App = Application[Any, BotContext, Any, Any, Any, Any]


def build_application(
    config: Config,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool | None = None,
    flows: Mapping[str, FlowStep] | None = None,
) -> App:
    """The Application with every handler registered; services are made in ``startup``."""
    limited = config.telegram.rate_limiter if rate_limit is None else rate_limit
    bot = SafeBot(
        config.telegram.token or "console",
        base_url=config.telegram.api_base_url,
        base_file_url=config.telegram.file_base_url,
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(connection_pool_size=1),
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            tzinfo=config.timezone,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        # Stays under Telegram's flood limits and retries a 429 after the wait it names.
        rate_limiter=AIORateLimiter(max_retries=3) if limited else None,
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(
            PerUserUpdateProcessor(
                config.telegram.max_concurrent_updates,
                config.telegram.max_pending_per_user,
                config.telegram.user_updates_per_minute,
            )
        )
    )
    app: App = builder.build()
    services = app.bot_data[SERVICES_KEY] = Services.create(config)
    bot.count_into(services.sender.traffic)
    handlers.register_all(app, config, flows)
    return app


def services_of(app: App) -> Services:
    """The services container stored on the application."""
    services: Services = app.bot_data[SERVICES_KEY]
    return services


async def startup(app: App) -> None:
    """Migrate the database, publish the command menu and start the periodic jobs."""
    services = services_of(app)
    await upgrade(services.engine)
    processor = app.update_processor
    if isinstance(processor, PerUserUpdateProcessor):
        processor.on_flood = partial(_slow_down, services)
    await publish_commands(app, services)
    jobs.schedule(app, services.config)
    give_back_freed_memory()  # what loading the index and migrating left behind


async def _slow_down(services: Services, update: Update) -> None:
    """Tell a flooding user, in their language, that some of their messages went unanswered."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    lang = await services.users.language_of(user.id)
    await update.get_bot().send_message(chat.id, services.translate(lang, "flood.slow_down"))


async def shutdown(app: App) -> None:
    """Release the database connections and the worker process."""
    services_of(app).cpu.shutdown()
    await services_of(app).engine.dispose()


async def publish_commands(app: App, services: Services) -> None:
    """setMyCommands per language for everyone, and per admin chat for each role."""
    t, config = services.translate, services.config
    await menus.publish_default(app.bot, t, config.default_language)
    await menus.sync_admin_menus(app.bot, services, app.bot_data)
