"""The composition root: build the Application, start it up and shut it down."""

from __future__ import annotations

import importlib.util
import logging
import sys
from collections.abc import Mapping
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

import handlers

# httpcore imports ``sniffio`` on every request to learn the async library; when it is not
# installed (anyio 4 no longer needs it), each failed import walks sys.path: about 0.3 ms of
# CPU per Bot API call. Recording it as absent makes the failure immediate; httpcore then
# assumes asyncio, which is what we run.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
from bot import jobs
from bot.commands import COMMANDS
from bot.config import LANGUAGES, Config
from bot.context import SERVICES_KEY, BotContext, Services
from bot.i18n import Translator
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
                config.telegram.max_concurrent_updates, config.telegram.max_pending_per_user
            )
        )
    )
    app: App = builder.build()
    app.bot_data[SERVICES_KEY] = Services.create(config)
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
    await publish_commands(app, services.translate, services.config)
    jobs.schedule(app, services.config)


async def shutdown(app: App) -> None:
    """Release the database connections and the worker process."""
    services_of(app).cpu.shutdown()
    await services_of(app).engine.dispose()


async def publish_commands(app: App, t: Translator, config: Config) -> None:
    """setMyCommands per language from the one declaration; admins also see admin commands."""
    for lang in LANGUAGES:
        code = None if lang == config.default_language else lang
        await _set_menu(app, menu(t, lang), BotCommandScopeDefault(), code)
    for admin_id in sorted(config.superadmins):
        admin_menu = menu(t, config.default_language, admin=True)
        await _set_menu(app, admin_menu, BotCommandScopeChat(admin_id), None)


async def _set_menu(
    app: App, commands: list[BotCommand], scope: BotCommandScope, language: str | None
) -> None:
    try:
        await app.bot.set_my_commands(commands, scope=scope, language_code=language)
    except TelegramError as exc:
        # A menu that cannot be set (admin never opened the bot, say) must not stop the bot.
        log.warning("could not set a command menu: %s", type(exc).__name__)


def menu(t: Translator, lang: str, admin: bool = False) -> list[BotCommand]:
    """The command menu in one language."""
    return [BotCommand(c.name, t(lang, c.description)) for c in COMMANDS if admin or not c.admin]
