"""A linked ASN's own data: /profil, /kompetensi, /pelatihan, /karier; and the admin's
/profil_pegawai."""

from __future__ import annotations

from datetime import date, datetime

from telegram import InputFile, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.career import charts, nip, profile
from bot.career import views as career_views
from bot.commands import names
from bot.config import Config
from bot.context import BotContext
from bot.replies import Reply
from handlers.common import PRIVATE, send
from handlers.hr.admin import add_command, admin_press


def _today(context: BotContext) -> date:
    return datetime.now(context.services.config.timezone).date()


async def _own_profile(update: Update, context: BotContext) -> profile.Profile | None:
    """The caller's profile, or a "link your account first" reply and None."""
    info = context.user_info  # the gate read the link already
    found = None
    if info is not None and info.employee_id is not None:
        found = await context.services.profiles.load(info.employee_id, _today(context))
    if found is None:
        await send(update, career_views.not_linked(context.services.translate, context.lang))
    return found


async def show_profile(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        await send(
            update,
            career_views.profile(context.services.translate, context.lang, p, _today(context)),
        )


async def show_competencies(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        t, lang = context.services.translate, context.lang
        report = profile.competency_report(p)
        await send(update, career_views.competencies(t, lang, report))
        if report.jpm is not None and update.effective_chat is not None:
            chart = career_views.competency_chart(t, lang, report, p)
            png = await context.services.cpu.run(charts.draw, chart)  # off the event loop
            photo = InputFile(png, filename="kompetensi.png")
            await update.effective_chat.send_photo(photo, caption=t(lang, "competency.chart"))


async def show_training(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        advice = profile.training_advice(p, _today(context))
        await send(update, career_views.training(context.services.translate, context.lang, advice))


async def show_career(update: Update, context: BotContext) -> None:
    if (p := await _own_profile(update, context)) is not None:
        outlook = profile.career(p, _today(context))
        await send(
            update,
            career_views.career_outlook(context.services.translate, context.lang, outlook),
        )


async def employee_profile(update: Update, context: BotContext) -> None:
    """/profil_pegawai NIP (admins): a person's profile, NIP masked, the view audited."""
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    text = " ".join(context.args or []).strip()
    target = nip.normalise(text)
    admin, access = update.effective_user.id, context.admin
    if not nip.is_nip_shaped(target):
        if len(text) < 3:
            await send(update, Reply(t(lang, "admin.profile_usage")))
            return
        matches = await svc.profiles.search(admin, text, access=access)
        if len(matches) != 1:
            await send(update, career_views.matches(t, lang, matches))
            return
        target = matches[0].nip
    found = await svc.profiles.for_admin(admin, target, _today(context), access=access)
    if found is None:
        await send(update, Reply(t(lang, "link.code_unknown_nip")))
        return
    await send(update, career_views.profile(t, lang, found, _today(context), masked=True))


async def employee_profile_button(update: Update, context: BotContext) -> None:
    """A match of a name search (admins only; forged presses are ignored); audited."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if (number := await admin_press(update, context)) is None:
        return
    assert update.effective_user is not None
    found = await svc.profiles.for_admin(
        update.effective_user.id, "", _today(context), number, context.admin
    )
    if found is not None:
        await send(update, career_views.profile(t, lang, found, _today(context), masked=True))


# Free questions about oneself ("kapan sy naik pangkat?") are answered by these.
COMMANDS = {
    "profil": show_profile,
    "kompetensi": show_competencies,
    "pelatihan": show_training,
    "karier": show_career,
}


def register(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(names(name), callback, filters=PRIVATE))
    add_command(app, "profil_pegawai", employee_profile)
    app.add_handler(
        CallbackQueryHandler(employee_profile_button, pattern=callbacks.ADMIN_PROFILE_PATTERN)
    )
