"""Linking an account to an NIP (/daftar), /keluar, /hapus_data; the admin's /kode_tautan."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, views
from bot.accounts.dialogs import Dialog
from bot.accounts.linking import LinkResult, looks_like_code
from bot.career import nip
from bot.commands import names
from bot.config import Config
from bot.context import BotContext
from bot.hr.questions import delete_drafts
from bot.i18n import Translator
from bot.replies import Button, Reply
from handlers.common import PRIVATE, send
from handlers.hr.admin import add_command

LINK_FLOW = "link"


async def start_linking(update: Update, context: BotContext) -> None:
    """/daftar: consent first, then the NIP, then the code (state in the database)."""
    assert update.effective_user is not None
    t, lang = context.services.translate, context.lang
    if context.user_info is None or context.user_info.consent_at is None:
        await send(update, views.privacy(t, lang, None))
        return
    await context.services.dialogs.save(update.effective_user.id, Dialog(LINK_FLOW, "nip"))
    await send(update, Reply(t(lang, "link.ask_nip")))


async def link_step(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The NIP, then the one-time code. An NIP sent again at the code step starts over."""
    assert update.effective_user is not None
    assert update.effective_message is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    user_id, text = update.effective_user.id, (update.effective_message.text or "").strip()
    digits = nip.normalise(text)
    if dialog.step == "nip" or nip.is_nip_shaped(digits):
        if not nip.is_nip_shaped(digits):
            await send(update, Reply(t(lang, "link.bad_nip")))
            return
        await svc.dialogs.save(user_id, Dialog(LINK_FLOW, "code", {"nip": digits}))
        await send(update, Reply(t(lang, "link.ask_code")))
        return
    result, name = await svc.links.link(user_id, str(dialog.data["nip"]), text)
    if result is LinkResult.INVALID:
        await send(update, Reply(t(lang, "link.invalid")))
        return
    if result is LinkResult.RATE_LIMITED:
        await send(update, Reply(t(lang, "link.rate_limited")))
        return
    key = "link.done" if result is LinkResult.LINKED else "link.already_done"
    await send(update, Reply(t(lang, key, name=name or "")))


async def linking_echo(update: Update, context: BotContext, text: str) -> bool:
    """An NIP or a code sent outside the linking dialogue (its reply was lost, say): explain.

    True when the text was answered here.
    """
    assert update.effective_user is not None
    digits = nip.normalise(text)
    if not (nip.is_nip_shaped(digits) or looks_like_code(text)):
        return False
    t, lang = context.services.translate, context.lang
    info = context.user_info
    linked = None
    if info is not None and info.employee_id is not None:  # the gate read the link already
        linked = await context.services.links.linked_nip(update.effective_user.id)
    if linked is not None:
        await send(update, Reply(t(lang, "link.already_linked", nip=linked)))
    elif nip.is_nip_shaped(digits) and info is not None and info.consent_at is not None:
        # An NIP typed after agreeing to the notice: carry on as /daftar would.
        dialog = Dialog(LINK_FLOW, "code", {"nip": digits})
        await context.services.dialogs.save(update.effective_user.id, dialog)
        await send(update, Reply(t(lang, "link.ask_code")))
    else:
        await send(update, Reply(t(lang, "link.use_daftar")))
    return True


def _confirm(t: Translator, lang: str, text_key: str, button_key: str, data: str) -> Reply:
    """A question with a confirm and a cancel button."""
    buttons = (
        Button(t(lang, button_key), data),
        Button(t(lang, "button.cancel"), callbacks.CANCEL),
    )
    return Reply(t(lang, text_key), (buttons,))


async def ask_unlink(update: Update, context: BotContext) -> None:
    """/keluar: linked accounts are asked first (linking again needs a new code from HR)."""
    t, lang = context.services.translate, context.lang
    if context.user_info is None or context.user_info.employee_id is None:
        await send(update, Reply(t(lang, "link.not_linked")))
        return
    reply = _confirm(t, lang, "link.unlink_ask", "link.unlink_button", callbacks.UNLINK_CONFIRM)
    await send(update, reply)


async def confirm_unlink(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    ended = await context.services.links.unlink(query.from_user.id)
    key = "link.unlinked" if ended else "link.not_linked"
    await send(update, Reply(context.services.translate(context.lang, key)))


async def cancelled(update: Update, context: BotContext) -> None:
    """The cancel button of a confirmation: nothing changes."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await send(update, Reply(context.services.translate(context.lang, "confirm.cancelled")))


async def ask_delete(update: Update, context: BotContext) -> None:
    """/hapus_data: say what goes and what stays, and ask to confirm."""
    t, lang = context.services.translate, context.lang
    reply = _confirm(t, lang, "delete.ask", "delete.confirm_button", callbacks.DELETE_CONFIRM)
    await send(update, reply)


async def confirm_delete(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    questions = await context.services.links.delete_chat_data(query.from_user.id)
    delete_drafts(questions, context.services.config.drafts_dir)
    await send(update, Reply(context.services.translate(context.lang, "delete.done")))


async def issue_code(update: Update, context: BotContext) -> None:
    """/kode_tautan NIP (admins): a one-time code to hand to that employee."""
    assert update.effective_user is not None
    t, lang = context.services.translate, context.lang
    target = nip.normalise("".join(context.args or []))
    if not nip.is_nip_shaped(target):
        await send(update, Reply(t(lang, "link.code_usage")))
        return
    issued = await context.services.links.issue_code(
        target, update.effective_user.id, context.admin
    )
    if issued is None:
        await send(update, Reply(t(lang, "link.code_unknown_nip")))
        return
    when = t.datetime(issued.expires_at, lang)
    await send(update, Reply(t(lang, "link.code_issued", nip=nip.mask(target),
                               code=issued.code, until=when)))  # fmt: skip


FLOWS = {LINK_FLOW: link_step}


def register(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    for name, callback in (
        ("daftar", start_linking),
        ("keluar", ask_unlink),
        ("hapus_data", ask_delete),
    ):
        app.add_handler(CommandHandler(names(name), callback, filters=PRIVATE))
    add_command(app, "kode_tautan", issue_code)
    app.add_handler(CallbackQueryHandler(confirm_delete, pattern=callbacks.DELETE_PATTERN))
    app.add_handler(CallbackQueryHandler(confirm_unlink, pattern=callbacks.UNLINK_PATTERN))
    app.add_handler(CallbackQueryHandler(cancelled, pattern=callbacks.CANCEL_PATTERN))
