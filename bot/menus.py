"""Telegram's command menus: one per language for everyone, and one per admin's private chat
holding the commands of their role (set again whenever the roles change)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from telegram import Bot, BotCommand, BotCommandScope, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.commands import allowed
from bot.config import LANGUAGES
from bot.i18n import Translator

if TYPE_CHECKING:
    from bot.context import Services

log = logging.getLogger(__name__)

# bot_data key: the level whose menu each admin's chat was last given.
PUBLISHED = "admin_menus"


def menu(t: Translator, lang: str, level: str = "user") -> list[BotCommand]:
    """The command menu of a role in one language."""
    return [BotCommand(c.name, t(lang, c.description)) for c in allowed(level)]


async def publish_default(bot: Bot, t: Translator, default_language: str) -> None:
    """Everyone's menu, in each language (the default language also for unknown ones)."""
    for lang in LANGUAGES:
        code = None if lang == default_language else lang
        await _set(bot, menu(t, lang), BotCommandScopeDefault(), code)


async def sync_admins(
    bot: Bot, t: Translator, lang: str, levels: dict[int, str], bot_data: dict[Any, Any]
) -> int:
    """Give each admin's chat the menu of their level and take it back from former admins;
    only what changed since the last call is sent. Returns how many chats changed."""
    published: dict[int, str] = bot_data.setdefault(PUBLISHED, {})
    changed = 0
    for user_id, level in sorted(levels.items()):
        if published.get(user_id) != level:
            if await _set(bot, menu(t, lang, level), BotCommandScopeChat(user_id), None):
                published[user_id] = level
            changed += 1
    for user_id in sorted(set(published) - set(levels)):
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
            del published[user_id]
        except TelegramError as exc:
            log.warning("could not remove a command menu: %s", type(exc).__name__)
        changed += 1
    return changed


async def sync_admin_menus(bot: Bot, services: Services, bot_data: dict[Any, Any]) -> int:
    """Admins' menus after a change of roles (at start, after /peran, on the sweep)."""
    levels = {h.user_id: h.role for h in await services.roles.holders()}
    levels.update({admin_id: "super" for admin_id in services.config.superadmins})
    lang = services.config.default_language
    return await sync_admins(bot, services.translate, lang, levels, bot_data)


async def _set(
    bot: Bot, commands: list[BotCommand], scope: BotCommandScope, language: str | None
) -> bool:
    try:
        await bot.set_my_commands(commands, scope=scope, language_code=language)
        return True
    except TelegramError as exc:
        # A menu that cannot be set (the admin never opened the bot, say) must not stop the bot.
        log.warning("could not set a command menu: %s", type(exc).__name__)
        return False
