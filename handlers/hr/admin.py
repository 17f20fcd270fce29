"""The one admin check for commands and buttons, the /admin menu, /peran and /audit.

Admin commands are registered through ``add_command``: someone whose role does not reach the
command's declared level hears that the command is unknown (nothing is revealed), and every use
by an admin is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, menus, views
from bot.commands import COMMANDS, command, names
from bot.context import BotContext
from bot.hr import audit as audit_log
from bot.hr import stats
from bot.hr import views as hr_views
from bot.hr.roles import RoleError
from handlers.common import PRIVATE, send

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
# bot_data key: admin command name -> its guarded callback (the /admin menu's buttons call it).
ADMIN_COMMANDS = "admin_commands"
log = logging.getLogger(__name__)
# Callbacks that check the role themselves (made by for_level).
_GUARDED: set[Callback] = set()


class UndeclaredError(RuntimeError):
    """A command or button registered without saying who may use it."""


async def _unknown(update: Update, context: BotContext) -> None:
    await send(update, views.unknown_command(context.services.translate, context.lang))


def guarded(name: str, callback: Callback, otherwise: Callback = _unknown) -> Callback:
    """``callback`` for the roles that may use command ``name``; ``otherwise`` for the rest.
    Each use is audited, with its arguments when they name no one (NIPs masked)."""
    declared = command(name)
    return for_level(declared.level, f"/{name}", callback, otherwise, declared.audit_args)


def for_level(
    level: str, action: str, callback: Callback, otherwise: Callback, with_args: bool = False
) -> Callback:
    """``callback`` for roles reaching ``level`` (audited as ``action``, with the command's
    arguments if ``with_args``), else ``otherwise``."""

    async def run(update: Update, context: BotContext) -> None:
        access = context.access
        if access is None or not access.allows(level):
            if otherwise is _unknown:  # a fallback that serves the person is no refusal
                log.warning("refused %s: the sender's role does not reach %s", action, level)
            await otherwise(update, context)
            return
        assert update.effective_user is not None
        detail = " ".join(context.args or []) if with_args else ""
        await context.services.audit.record(update.effective_user.id, action, detail)
        await callback(update, context)

    _GUARDED.add(run)
    return run


def for_button_level(level: str, kind: str, callback: Callback) -> Callback:
    """``callback`` for roles reaching ``level``; anyone else's press is only acknowledged."""

    async def run(update: Update, context: BotContext) -> None:
        access = context.access
        if access is None or not access.allows(level):
            log.warning("refused a %s button: the presser's role does not reach %s", kind, level)
            if update.callback_query is not None:
                await update.callback_query.answer()
            return
        await callback(update, context)

    return run


def enforce_declarations(app: Application) -> None:  # type: ignore[type-arg]
    """Every command must be declared in ``bot.commands`` (an admin one registered through its
    role check) and every button pattern in ``bot.callbacks.WHO``; admin buttons get their role
    check here, whatever their handler does. Raises UndeclaredError otherwise."""
    declared = {alias for c in COMMANDS for alias in names(c.name)}
    levels = {alias: c.level for c in COMMANDS for alias in names(c.name)}
    for group in app.handlers.values():
        for handler in group:
            if isinstance(handler, CommandHandler):
                if unknown := sorted(handler.commands - declared):
                    raise UndeclaredError(f"/{unknown[0]} is not declared in bot.commands")
                admin_only = any(levels[c] != "user" for c in handler.commands)
                if admin_only and handler.callback not in _GUARDED:
                    raise UndeclaredError(f"/{min(handler.commands)} is not behind its role check")
            elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                pattern = handler.pattern
                text = pattern if isinstance(pattern, str) else getattr(pattern, "pattern", "")
                level = callbacks.WHO.get(str(text))
                if level is None:
                    raise UndeclaredError(f"button {text!r} is not declared in bot.callbacks.WHO")
                if level != "user":
                    kind = str(text).removeprefix("\\A").split(":", 1)[0]
                    handler.callback = for_button_level(level, kind, handler.callback)


def add_command(
    app: Application,  # type: ignore[type-arg]
    name: str,
    callback: Callback,
    otherwise: Callback = _unknown,
) -> None:
    """Register /name and its aliases for private chats, behind the role check."""
    run = guarded(name, callback, otherwise)
    app.bot_data.setdefault(ADMIN_COMMANDS, {})[name] = run
    app.add_handler(CommandHandler(names(name), run, filters=PRIVATE))


async def admin_parts(
    update: Update, context: BotContext, level: str = "unit"
) -> list[str] | None:
    """The parts of an admin's button data; None for anyone whose role does not reach
    ``level`` (a forged press is acknowledged and ignored). Audited."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    access = context.access
    if access is None or not access.allows(level):
        return None
    await context.services.audit.record(query.from_user.id, "button", query.data)
    return query.data.split(":")


async def admin_press(update: Update, context: BotContext, level: str = "unit") -> int | None:
    """The number an admin's button carries last in its data (see ``admin_parts``)."""
    parts = await admin_parts(update, context, level)
    return None if parts is None else int(parts[-1])


async def admin_menu(update: Update, context: BotContext) -> None:
    """/admin: the counts within the admin's reach and a button per task their role has."""
    svc, access = context.services, context.access
    assert access is not None
    result = await stats.overview(svc.sessions, access)
    ratings = await svc.ratings.totals()
    await send(update, hr_views.admin_menu(svc.translate, context.lang, result, ratings, access))


async def menu_press(update: Update, context: BotContext) -> None:
    """A button of the /admin menu: the command it names, with the same role check."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    name = query.data.split(":", 1)[1]
    run = context.bot_data.get(ADMIN_COMMANDS, {}).get(name)
    access = context.access
    # A press beyond the presser's role (forged, or from before a revoke) is ignored.
    if run is not None and access is not None and access.allows(command(name).level):
        context.args = []
        await run(update, context)


async def roles(update: Update, context: BotContext) -> None:
    """/peran; /peran beri WHO bkd|opd CODE; /peran cabut WHO (superadmins)."""
    svc, t, lang = context.services, context.services.translate, context.lang
    args = context.args or []
    assert update.effective_user is not None
    actor = update.effective_user.id
    try:
        if len(args) == 4 and args[0].lower() in ("beri", "grant"):
            user_id = await svc.roles.user_id(args[1])
            await svc.roles.grant(actor, user_id, args[2], args[3])
            await menus.sync_admin_menus(context.bot, svc, context.bot_data)
            text = t(lang, "roles.granted", user=user_id, role=args[2].lower(),
                     scope=args[3].upper())  # fmt: skip
        elif len(args) == 2 and args[0].lower() in ("cabut", "revoke"):
            user_id = await svc.roles.user_id(args[1])
            done = await svc.roles.revoke(actor, user_id)
            await menus.sync_admin_menus(context.bot, svc, context.bot_data)
            text = t(lang, "roles.revoked" if done else "roles.had_none", user=user_id)
        elif not args:
            holders = await svc.roles.holders()
            await send(update, hr_views.role_list(t, lang, holders, svc.config.superadmins))
            return
        else:
            text = t(lang, "roles.usage")
    except RoleError as exc:
        text = t(lang, exc.key, **exc.values)
    await send(update, hr_views.plain(text))


async def audit(update: Update, context: BotContext) -> None:
    """/audit: the newest entries; /audit xlsx: the whole log as a workbook (superadmins)."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if [a.lower() for a in context.args or []] == ["xlsx"]:
        entries, total = await svc.audit.recent(None)
        header = [t(lang, f"audit.column.{c}") for c in audit_log.COLUMNS]
        book = audit_log.workbook(entries, header, lambda at: t.datetime(at, lang))
        assert update.effective_chat is not None
        caption = t(lang, "audit.file", count=total)
        await update.effective_chat.send_document(book, filename="audit.xlsx", caption=caption)
        return
    entries, total = await svc.audit.recent()
    await send(update, hr_views.audit_list(t, lang, entries, total))


def register(app: Application) -> None:  # type: ignore[type-arg]
    add_command(app, "admin", admin_menu)
    add_command(app, "peran", roles)
    add_command(app, "audit", audit)
    app.add_handler(CallbackQueryHandler(menu_press, pattern=callbacks.ADMIN_MENU_PATTERN))
