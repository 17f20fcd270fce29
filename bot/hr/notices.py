"""What the outbox sends for the question queue: the admins' notice of a new question, and the
asker's word that their question was passed on or closed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.access import region_name
from bot.hr import views
from bot.hr.questions import CLOSED, MOVED, NEW_QUESTION
from bot.outbox.store import Item
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.context import Services


def register(svc: Services) -> None:
    """Teach the sender the question queue's kinds of message."""
    t = svc.translate

    async def new_question(item: Item) -> list[Reply] | None:
        question = await svc.hr_queue.get(item.ref_id)
        if question is None or question.status != "open":
            return None  # answered or closed before the notice went out
        lang = await svc.users.language_of(item.chat_id)
        return [views.question_notice(t, lang, question)]

    async def closed(item: Item) -> list[Reply] | None:
        question = await svc.hr_queue.get(item.ref_id)
        if question is None or question.user_id != item.chat_id or question.close_reason is None:
            return None
        why = question.close_reason
        return [Reply(t(question.language, f"hr.closed.{why}", number=question.id))]

    async def moved(item: Item) -> list[Reply] | None:
        question = await svc.hr_queue.get(item.ref_id)
        if question is None or question.user_id != item.chat_id or question.status != "open":
            return None
        office = region_name(question.region_code or "") or ""
        return [Reply(t(question.language, "hr.moved", number=question.id, office=office))]

    svc.sender.register(NEW_QUESTION, new_question)
    svc.sender.register(CLOSED, closed)
    svc.sender.register(MOVED, moved)
