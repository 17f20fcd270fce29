"""Rule questions: the answer, "did you mean" choices, ratings and the 👎 hand-off."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks, views
from bot.accounts.dialogs import Dialog
from bot.career.self_questions import personal_command
from bot.context import BotContext
from bot.jobs import send_soon
from bot.knowledge import views as kb_views
from bot.knowledge.answering import AMBIGUOUS, NO_MATCH
from handlers import career
from handlers.common import send

COMPOSE_FLOW = "handoff_compose"


async def answer_question(update: Update, context: BotContext, text: str) -> None:
    """Answer free text from the knowledge base; unanswerable questions are offered to HR."""
    assert update.effective_user is not None
    svc = context.services
    query = svc.knowledge.understand(text)
    command = personal_command(query)
    linked = context.user_info is not None and context.user_info.employee_id is not None
    if command and linked:
        await career.COMMANDS[command](update, context)
        return
    lang = svc.knowledge.language_of(query) if len(text.split()) > 2 else context.lang
    result = svc.knowledge.ask(query, lang)
    if result.status in (NO_MATCH, AMBIGUOUS) or result.tentative:  # these offer a person
        await svc.handoff.offer(update.effective_user.id, text, lang)
    await send(update, kb_views.kb_result(svc.translate, result, svc.knowledge.base))


async def show_entry(update: Update, context: BotContext) -> None:
    """A "did you mean" or "related" button: show that entry (unknown ids are ignored)."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    base = context.services.knowledge.base
    entry = base.get(query.data.split(":")[2])
    if entry is not None:
        await send(update, kb_views.kb_answer_with_related(context.services.translate,
                                                        context.lang, entry, base))  # fmt: skip


async def rate(update: Update, context: BotContext) -> None:
    """👍/👎 under an answer; 👎 invites the user to write the question for a person."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    _, _, entry_id, vote = query.data.split(":")
    svc, t = context.services, context.services.translate
    if svc.knowledge.base.get(entry_id) is None:
        await query.answer()
        return
    await svc.ratings.rate(query.from_user.id, entry_id, 1 if vote == "up" else -1)
    if vote == "up":
        await query.answer(t(context.lang, "kb.thanks"))
        return
    await query.answer()
    await svc.dialogs.save(query.from_user.id, Dialog(COMPOSE_FLOW, "text", {"entry": entry_id}))
    await send(update, kb_views.rating_down(t, context.lang))


async def compose_step(update: Update, context: BotContext, dialog: Dialog) -> None:
    """The question typed after a 👎 goes to the HR queue."""
    assert update.effective_user is not None
    assert update.effective_message is not None
    svc = context.services
    text = (update.effective_message.text or "")[:2000]
    number = await svc.hr_queue.add(update.effective_user.id, text, context.lang)
    send_soon(context)  # the admins of the asker's queue hear of it at once
    await svc.dialogs.end(update.effective_user.id)
    await send(update, views.question_queued(svc.translate, context.lang, number))


FLOWS = {COMPOSE_FLOW: compose_step}


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CallbackQueryHandler(show_entry, pattern=callbacks.KB_SHOW_PATTERN))
    app.add_handler(CallbackQueryHandler(rate, pattern=callbacks.KB_RATE_PATTERN))
