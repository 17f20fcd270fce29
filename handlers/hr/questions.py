"""HR admins: the question queue (/pertanyaan), answering, drafts, and reloading content."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.accounts.dialogs import Dialog
from bot.context import BotContext
from bot.hr import views as hr_views
from bot.hr.delivery import deliver
from bot.hr.questions import Question, write_draft
from bot.replies import Html, Reply
from handlers.common import send
from handlers.hr.admin import add_command, admin_press

ANSWER_FLOW = "hr_answer"


async def list_open(update: Update, context: BotContext) -> None:
    """The oldest open questions with a button to answer each."""
    questions, total = await context.services.hr_queue.open_questions()
    await send(
        update,
        hr_views.hr_open_list(context.services.translate, context.lang, questions, total),
    )


async def _pressed_question(update: Update, context: BotContext) -> Question | None:
    """The question an admin's button names; None for non-admins (forged presses are ignored)."""
    number = await admin_press(update, context)
    return None if number is None else await context.services.hr_queue.get(number)


async def start_answer(update: Update, context: BotContext) -> None:
    """ "Answer #n": the admin's next message becomes the answer."""
    svc, t = context.services, context.services.translate
    question = await _pressed_question(update, context)
    assert update.effective_user is not None
    if question is None or question.status != "open":
        if context.access is not None:
            await send(update, Reply(t(context.lang, "hr.not_open")))
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
    text = update.effective_message.text or ""
    question = await svc.hr_queue.answer(int(dialog.data["question"]), admin, text)
    if question is None:
        await send(update, Reply(t(context.lang, "hr.not_open")))
        return
    outcome = await deliver(context.bot, svc.hr_queue, t, question)
    await send(update, hr_views.hr_delivered(t, context.lang, question, outcome.value))


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
