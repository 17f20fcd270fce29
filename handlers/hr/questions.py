"""HR admins: the question queue (/pertanyaan), answering, drafts, and reloading content."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.access import region_name
from bot.accounts.dialogs import Dialog
from bot.context import BotContext
from bot.hr import views as hr_views
from bot.hr.delivery import deliver
from bot.hr.questions import Question, write_draft
from bot.jobs import send_soon
from bot.replies import Html, Reply
from handlers.common import send
from handlers.hr.admin import add_command, admin_parts, admin_press

ANSWER_FLOW = "hr_answer"


async def list_open(update: Update, context: BotContext) -> None:
    """The oldest open questions in the admin's queues, with their buttons."""
    questions, total = await context.services.hr_queue.open_questions(context.admin)
    await send(
        update,
        hr_views.hr_open_list(context.services.translate, context.lang, questions, total),
    )


async def _open_question(update: Update, context: BotContext) -> Question | None:
    """The open question an admin's button names; an admin whose question is no longer open
    is told so, anyone else hears nothing."""
    question = await _pressed_question(update, context)
    if question is not None and question.status == "open":
        return question
    if context.access is not None:
        t = context.services.translate
        await send(update, Reply(t(context.lang, "hr.not_open")))
    return None


async def _pressed_question(update: Update, context: BotContext) -> Question | None:
    """The question an admin's button names; None for non-admins (forged presses are ignored)."""
    number = await admin_press(update, context)
    return None if number is None else await context.services.hr_queue.get(number, context.admin)


async def start_answer(update: Update, context: BotContext) -> None:
    """ "Answer #n": the admin's next message becomes the answer."""
    svc, t = context.services, context.services.translate
    assert update.effective_user is not None
    if (question := await _open_question(update, context)) is None:
        return
    data = {"question": question.id}
    await svc.dialogs.save(update.effective_user.id, Dialog(ANSWER_FLOW, "text", data))
    await send(update, hr_views.hr_answer_prompt(t, context.lang, question))


async def answer_step(update: Update, context: BotContext, dialog: Dialog) -> None:
    """Store the admin's answer and send it to the asker with their question quoted."""
    assert update.effective_user is not None
    assert update.effective_message is not None
    svc, t = context.services, context.services.translate
    admin = update.effective_user.id
    await svc.dialogs.end(admin)
    if context.access is None:  # the role was revoked while the answer was being written
        return
    text = update.effective_message.text or ""
    question = await svc.hr_queue.answer(int(dialog.data["question"]), admin, text, context.access)
    if question is None:
        await send(update, Reply(t(context.lang, "hr.not_open")))
        return
    outcome = await deliver(context.bot, svc.hr_queue, t, question)
    await send(update, hr_views.hr_delivered(t, context.lang, question, outcome.value))


async def move_question(update: Update, context: BotContext) -> None:
    """ "Pass on": the governments whose queue can take the question."""
    if (question := await _open_question(update, context)) is not None:
        t = context.services.translate
        await send(update, hr_views.move_choices(t, context.lang, question))


async def move_question_to(update: Update, context: BotContext) -> None:
    """A government chosen: the question moves to its queue; its admins and the asker hear."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if (parts := await admin_parts(update, context)) is None:
        return
    assert update.effective_user is not None
    number, government = int(parts[2]), parts[3]
    moved = await svc.hr_queue.reassign(number, government, update.effective_user.id,
                                        context.admin)  # fmt: skip
    office = region_name(government) or government
    key = "hr.moved_done" if moved else "hr.not_open"
    await send(update, Reply(t(lang, key, number=number, office=office)))
    send_soon(context)


async def close_question(update: Update, context: BotContext) -> None:
    """ "Close": why, as buttons."""
    if (question := await _open_question(update, context)) is not None:
        t = context.services.translate
        await send(update, hr_views.close_choices(t, context.lang, question))


async def close_question_why(update: Update, context: BotContext) -> None:
    """A reason chosen: the question is closed and its asker told politely."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if (parts := await admin_parts(update, context)) is None:
        return
    assert update.effective_user is not None
    number, why = int(parts[2]), parts[3]
    closed = await svc.hr_queue.close(number, why, update.effective_user.id, context.admin)
    reason_text = t(lang, f"hr.close_reason.{why}")
    key = "hr.closed_done" if closed else "hr.not_open"
    await send(update, Reply(t(lang, key, number=number, reason=reason_text)))
    send_soon(context)


async def make_draft(update: Update, context: BotContext) -> None:
    """Turn an answered question into a draft knowledge entry file."""
    t = context.services.translate
    question = await _pressed_question(update, context)
    if question is None or question.answer is None:
        return
    path = write_draft(question, context.services.config.drafts_dir)
    await send(update, Reply(t(context.lang, "hr.draft_written", path=str(path))))


async def reload_content(update: Update, context: BotContext) -> None:
    """Reload the knowledge base now and report its problems, if any."""
    svc, t = context.services, context.services.translate
    problems = await svc.knowledge.reload()
    if problems:
        listing = "\n".join(html.escape(str(p)) for p in problems[:20])
        text = t(context.lang, "hr.reload_failed", count=len(problems), problems=Html(listing))
    else:
        text = t(context.lang, "hr.reloaded", count=len(svc.knowledge.base.entries))
    await send(update, Reply(text))


FLOWS = {ANSWER_FLOW: answer_step}


def register(app: Application) -> None:  # type: ignore[type-arg]
    add_command(app, "pertanyaan", list_open)
    add_command(app, "muat_ulang", reload_content)
    app.add_handler(CallbackQueryHandler(start_answer, pattern=callbacks.HR_ANSWER_PATTERN))
    app.add_handler(CallbackQueryHandler(make_draft, pattern=callbacks.HR_DRAFT_PATTERN))
    app.add_handler(CallbackQueryHandler(move_question, pattern=callbacks.HR_MOVE_PATTERN))
    app.add_handler(CallbackQueryHandler(move_question_to, pattern=callbacks.HR_MOVE_TO_PATTERN))
    app.add_handler(CallbackQueryHandler(close_question, pattern=callbacks.HR_CLOSE_PATTERN))
    app.add_handler(
        CallbackQueryHandler(close_question_why, pattern=callbacks.HR_CLOSE_WHY_PATTERN)
    )
