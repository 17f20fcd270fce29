"""A linked ASN's own data: linking (/daftar), /profil, /kompetensi, /pelatihan, /karier,
/keluar and /hapus_data; and the admin's /kode_tautan and /profil_pegawai."""

from __future__ import annotations

from datetime import date, datetime

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks, nip, profile, views, views_personal
from bot.commands import names
from bot.config import Config
from bot.context import BotContext
from bot.dialogs import Dialog
from bot.hr_queue import delete_drafts
from bot.linking import LinkResult, looks_like_code
from bot.replies import Button, Reply
from handlers.admin import admin_filter
from handlers.common import PRIVATE, send

LINK_FLOW = "link"


def _today(context: BotContext) -> date:
    return datetime.now(context.services.config.timezone).date()


async def _own_profile(update: Update, context: BotContext) -> profile.Profile | None:
    """The caller's profile, or a "link your account first" reply and None."""
    assert update.effective_user is not None
    found = await context.services.profiles.for_user(update.effective_user.id, _today(context))
    if found is None:
        await send(update, views_personal.not_linked(context.services.translate, context.lang))
    return found


async def show_profile(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        await send(
            update,
            views_personal.profile(context.services.translate, context.lang, p, _today(context)),
        )


async def show_competencies(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        t, lang = context.services.translate, context.lang
        report = profile.competency_report(p)
        await send(update, views_personal.competencies(t, lang, report))
        if report.jpm is not None and update.effective_chat is not None:
            png = views_personal.competency_chart(t, lang, report)
            await update.effective_chat.send_photo(png, caption=t(lang, "competency.chart"))


async def show_training(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        advice = profile.training_advice(p, _today(context))
        await send(
            update, views_personal.training(context.services.translate, context.lang, advice)
        )


async def show_career(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        outlook = profile.career(p, _today(context))
        await send(
            update,
            views_personal.career_outlook(context.services.translate, context.lang, outlook),
        )


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
    linked = await context.services.links.linked_nip(update.effective_user.id)
    if linked is None:
        await send(update, Reply(t(lang, "link.use_daftar")))
    else:
        await send(update, Reply(t(lang, "link.already_linked", nip=linked)))
    return True


async def unlink(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    ended = await context.services.links.unlink(update.effective_user.id)
    key = "link.unlinked" if ended else "link.not_linked"
    await send(update, Reply(context.services.translate(context.lang, key)))


async def ask_delete(update: Update, context: BotContext) -> None:
    """/hapus_data: say what goes and what stays, and ask to confirm."""
    t, lang = context.services.translate, context.lang
    button = Button(t(lang, "delete.confirm_button"), callbacks.DELETE_CONFIRM)
    await send(update, Reply(t(lang, "delete.ask"), ((button,),)))


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
    issued = await context.services.links.issue_code(target, update.effective_user.id)
    if issued is None:
        await send(update, Reply(t(lang, "link.code_unknown_nip")))
        return
    when = t.datetime(issued.expires_at, lang)
    await send(update, Reply(t(lang, "link.code_issued", nip=nip.mask(target),
                               code=issued.code, until=when)))  # fmt: skip


async def employee_profile(update: Update, context: BotContext) -> None:
    """/profil_pegawai NIP (admins): a person's profile, NIP masked, the view audited."""
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    target = nip.normalise("".join(context.args or []))
    found = await svc.profiles.for_admin(update.effective_user.id, target, _today(context))
    if found is None:
        await send(update, Reply(t(lang, "link.code_unknown_nip")))
        return
    await send(update, views_personal.profile(t, lang, found, _today(context), masked=True))


FLOWS = {LINK_FLOW: link_step}
# Free questions about oneself ("kapan sy naik pangkat?") are answered by these.
COMMANDS = {
    "profil": show_profile,
    "kompetensi": show_competencies,
    "pelatihan": show_training,
    "karier": show_career,
}


def register(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    for name, callback in (
        ("daftar", start_linking), ("profil", show_profile), ("kompetensi", show_competencies),
        ("pelatihan", show_training), ("karier", show_career), ("keluar", unlink),
        ("hapus_data", ask_delete),
    ):  # fmt: skip
        app.add_handler(CommandHandler(names(name), callback, filters=PRIVATE))
    only_admins = admin_filter(config) & PRIVATE
    app.add_handler(CommandHandler(names("kode_tautan"), issue_code, filters=only_admins))
    app.add_handler(CommandHandler(names("profil_pegawai"), employee_profile, filters=only_admins))
    app.add_handler(CallbackQueryHandler(confirm_delete, pattern=callbacks.DELETE_PATTERN))
