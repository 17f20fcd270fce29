"""The person's side of a rotation: the readiness check, the help that fits, the check-ins.

Every button carries ids the services check against the presser; a press that does not
belong to them (forged, stale, after the TMT) changes nothing and gets a short notice.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.accounts.dialogs import Dialog
from bot.context import BotContext
from bot.jobs import send_soon
from bot.replies import Reply
from bot.rotation import fit, guide, messages
from bot.rotation import views as rotation_views
from bot.rotation.readiness import Answer
from handlers.common import send

NOTE_FLOW = "readiness_note"


def _parts(update: Update) -> list[str]:
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    return query.data.split(":")


async def _closed(update: Update, context: BotContext) -> None:
    """A press that changes nothing: a toast, no message."""
    assert update.callback_query is not None
    t = context.services.translate
    await update.callback_query.answer(t(context.lang, "rotation.closed"))


def _user(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def status(update: Update, context: BotContext) -> None:
    """Siap / Perlu pendampingan / Belum siap under a reminder."""
    _, rotation, value = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    answer = await svc.readiness.answer(_user(update), int(rotation), value)
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    if value == "not_ready":
        send_soon(context)  # HR admins hear of it at once
    if value == "ready":
        await send(update, rotation_views.ready(t, lang, answer.move, guide.guide()))
    else:
        await send(update, rotation_views.block_question(t, lang, answer))


async def block(update: Update, context: BotContext) -> None:
    """One line of the check; then the next line, or the reason question."""
    _, answer_id, index, value = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    answer = await svc.readiness.block(_user(update), int(answer_id), int(index), value)
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    if answer.next_block is not None:
        await send(update, rotation_views.block_question(t, lang, answer))
    else:
        await send(update, rotation_views.reason_question(t, lang, answer))


async def reason(update: Update, context: BotContext) -> None:
    """The reason category; then an optional note in the person's own words."""
    _, answer_id, value = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    user = _user(update)
    answer = await svc.readiness.reason(user, int(answer_id), value)
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await svc.dialogs.save(user, Dialog(NOTE_FLOW, "note", {"answer": answer.id}))
    await send(update, rotation_views.note_prompt(t, lang, answer))


async def note_step(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The person's note (kept for HR admins only), then the help that fits."""
    svc, user = context.services, _user(update)
    assert update.effective_message is not None
    await svc.dialogs.end(user)
    text = update.effective_message.text or ""
    answer = await svc.readiness.note(user, int(dialog.data["answer"]), text)
    if answer is not None:
        await _help(update, context, answer)


async def skip_note(update: Update, context: BotContext) -> None:
    _, answer_id = _parts(update)
    svc, user = context.services, _user(update)
    await svc.dialogs.end(user)
    answer = await svc.readiness.note(user, int(answer_id), "")
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _help(update, context, answer)


async def _help(update: Update, context: BotContext, answer: Answer) -> None:
    svc, t, lang = context.services, context.services.translate, context.lang
    matched = await fit.of_person(svc.profiles, answer.move, svc.planner.today(svc.clock()))
    if matched is None:
        return
    base = svc.knowledge.base
    titles = {e.id: e.title(lang) for e in (base.get(i) for i in _entry_ids()) if e is not None}
    await send(update, rotation_views.help_for(t, lang, answer, guide.guide(), matched, titles))


def _entry_ids() -> set[str]:
    return {e for h in guide.guide().help.values() for e in h.entries}


async def mentor(update: Update, context: BotContext) -> None:
    """Ask HR for a mentor; an HR admin assigns one."""
    _, answer_id = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    answer = await svc.readiness.ask_mentor(_user(update), int(answer_id))
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await send(update, Reply(t(lang, "rotation.mentor_requested")))


async def talk(update: Update, context: BotContext) -> None:
    """Put a "please talk to me about my rotation" note with its context in HR's queue."""
    _, answer_id = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    user = _user(update)
    answer = await svc.readiness.own(user, int(answer_id))
    if answer is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    summary = rotation_views.talk_request(t, svc.translate.default, answer)
    number = await svc.hr_queue.add(user, summary, lang)
    send_soon(context)
    await send(update, Reply(t(lang, "rotation.talk_sent", number=number)))


async def checkin(update: Update, context: BotContext) -> None:
    """Lancar / Ada kendala / Butuh bantuan after the move."""
    _, rotation, offset, value = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    user = _user(update)
    done = await svc.readiness.checkin(user, int(rotation), int(offset), value)
    if not done:
        await _closed(update, context)
        return
    if value == "help":
        send_soon(context)
    assert update.callback_query is not None
    await update.callback_query.answer()
    move = await svc.readiness.move_of(user, int(rotation))
    if move is not None:
        await send(update, rotation_views.checkin_reply(t, lang, value, guide.guide(), move))


async def own_rotations(update: Update, context: BotContext) -> None:
    """/rotasi for a person: their planned moves, each with the readiness buttons."""
    svc, t, lang = context.services, context.services.translate, context.lang
    found = await svc.reminders.own(_user(update))
    if not found:
        await send(update, Reply(t(lang, "rotation.none_planned")))
        return
    for move in found:
        if (shown := await messages.reminder(svc, move, lang)) is not None:
            await send(update, shown)


async def mentor_answer(update: Update, context: BotContext) -> None:
    """The mentor accepts or declines; accepting introduces the two."""
    _, pairing_id, value = _parts(update)
    svc, t, lang = context.services, context.services.translate, context.lang
    pairing = await svc.mentoring.respond(_user(update), int(pairing_id), value == "yes")
    if pairing is None:
        await _closed(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    if value == "yes":
        await send(update, rotation_views.mentor_accepted(t, lang, pairing))
    else:
        await send(update, Reply(t(lang, "rotation.mentor_declined")))


FLOWS = {NOTE_FLOW: note_step}


def register(app: Application) -> None:  # type: ignore[type-arg]
    for pattern, callback in (
        (callbacks.ROT_READY_PATTERN, status),
        (callbacks.ROT_BLOCK_PATTERN, block),
        (callbacks.ROT_REASON_PATTERN, reason),
        (callbacks.ROT_NOTE_SKIP_PATTERN, skip_note),
        (callbacks.ROT_MENTOR_PATTERN, mentor),
        (callbacks.ROT_TALK_PATTERN, talk),
        (callbacks.ROT_CHECKIN_PATTERN, checkin),
        (callbacks.MENTOR_ANSWER_PATTERN, mentor_answer),
    ):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
