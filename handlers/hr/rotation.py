"""HR admins: rotation plans (/rotasi), moving a TMT, cancelling, and readiness (/kesiapan).

People who are not admins get their own planned rotation from /rotasi.
"""

from __future__ import annotations

import re
from datetime import date

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.career.nip import mask
from bot.context import BotContext
from bot.replies import Reply
from bot.rotation import chart, report
from bot.rotation import hr_views as views
from handlers.common import send
from handlers.hr.admin import add_command, admin_press
from handlers.rotation import own_rotations


def _arguments(context: BotContext) -> str:
    return " ".join(context.args or []).strip()


async def plans(update: Update, context: BotContext) -> None:
    """/rotasi (admins): the cohorts; /rotasi NAME: one cohort's people, within reach."""
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    access = context.admin
    cohort = _arguments(context)
    if cohort:
        lines, total = await svc.rotations.members(cohort, update.effective_user.id, access=access)
        await send(update, views.members(t, lang, cohort, lines, total))
    else:
        await send(update, views.cohorts(t, lang, await svc.rotations.cohorts(access)))


async def move(update: Update, context: BotContext) -> None:
    """/rotasi_tmt ID YYYY-MM-DD: a new TMT; the reminders are planned again."""
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    match = re.fullmatch(r"#?(\d{1,9})\s+(\d{4})-(\d{2})-(\d{2})", _arguments(context))
    day = _date(match.groups()[1:]) if match else None
    today = svc.planner.today(svc.clock())
    if match is None or day is None or day <= today:
        await send(update, Reply(t(lang, "rotation.hr_move_usage")))
        return
    moved = await svc.rotations.move(
        int(match.group(1)), day, update.effective_user.id, context.admin
    )
    key = "rotation.hr_moved" if moved else "rotation.hr_not_found"
    await send(update, Reply(t(lang, key, id=match.group(1), tmt=t.date(day, lang))))


def _date(parts: tuple[str | None, ...]) -> date | None:
    try:
        return date(*(int(p or 0) for p in parts))
    except ValueError:
        return None


async def cancel(update: Update, context: BotContext) -> None:
    """/rotasi_batal ID: asks for confirmation with a button."""
    t, lang = context.services.translate, context.lang
    match = re.fullmatch(r"#?(\d{1,9})", _arguments(context))
    if match is None:
        await send(update, Reply(t(lang, "rotation.hr_cancel_usage")))
        return
    await send(update, views.cancel_confirm(t, lang, int(match.group(1))))


async def cancel_confirmed(update: Update, context: BotContext) -> None:
    svc, t, lang = context.services, context.services.translate, context.lang
    if (rotation := await admin_press(update, context, "gov")) is None:
        return
    assert update.effective_user is not None
    done = await svc.rotations.cancel(rotation, update.effective_user.id, context.admin)
    key = "rotation.hr_cancelled_done" if done else "rotation.hr_not_found"
    await send(update, Reply(t(lang, key, id=rotation, tmt="")))


async def readiness(update: Update, context: BotContext) -> None:
    """/kesiapan [kelompok]: the summary, a chart and the per-person workbook."""
    assert update.effective_user is not None
    assert update.effective_chat is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    cohort = _arguments(context) or None
    summary = await svc.readiness_report.summary(cohort, context.admin)
    await send(update, views.summary(t, lang, summary))
    if summary.total.people == 0:
        return
    bars = views.chart_of(t, lang, summary)
    picture = await svc.cpu.run(chart.draw, bars)
    await update.effective_chat.send_photo(picture, filename="kesiapan.png")
    people = await svc.readiness_report.export_rows(
        cohort, update.effective_user.id, context.admin
    )
    labels = views.export_labels(t, lang)
    book = await svc.cpu.run(report.workbook, people, summary, labels, mask)
    await update.effective_chat.send_document(book, filename="kesiapan-rotasi.xlsx")


async def assign_mentor(update: Update, context: BotContext) -> None:
    """/mentor ID NIP: offer the mentoring of rotation ID to the employee with NIP."""
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    match = re.fullmatch(r"#?(\d{1,9})\s+(\d{18})", _arguments(context))
    if match is None:
        await send(update, Reply(t(lang, "rotation.mentor_usage")))
        return
    outcome = await svc.mentoring.assign(
        int(match.group(1)), match.group(2), update.effective_user.id, context.admin
    )
    assigned = outcome.value
    await send(update, Reply(t(lang, f"rotation.mentor_{assigned}", id=match.group(1))))


def register(app: Application) -> None:  # type: ignore[type-arg]
    add_command(app, "rotasi", plans, otherwise=own_rotations)  # people see their own move
    add_command(app, "rotasi_tmt", move)
    add_command(app, "rotasi_batal", cancel)
    add_command(app, "kesiapan", readiness)
    add_command(app, "mentor", assign_mentor)
    app.add_handler(CallbackQueryHandler(cancel_confirmed, pattern=callbacks.ROT_CANCEL_PATTERN))
