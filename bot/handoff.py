"""Handing a question the bot cannot answer to a person at BKD/BKPSDM."""

from __future__ import annotations

from sqlalchemy import select

from bot.dialogs import Dialog, DialogService
from db.models import DialogState, HrQuestion
from db.session import SessionFactory

FLOW = "handoff"
MAX_QUESTION_CHARS = 2000


class HandoffService:
    """Offers to forward an unanswered question and queues it once the user agrees."""

    def __init__(self, sessions: SessionFactory, dialogs: DialogService) -> None:
        self._sessions = sessions
        self._dialogs = dialogs

    async def offer(self, user_id: int, text: str, language: str) -> None:
        """Remember the question so a later "send" press can queue it (even after a restart)."""
        data = {"text": text[:MAX_QUESTION_CHARS], "language": language}
        await self._dialogs.save(user_id, Dialog(FLOW, "offer", data))

    async def send_pending(self, user_id: int) -> int | None:
        """Queue the offered question and close the offer in one transaction; its number.

        None when nothing is pending (already sent, cancelled, expired, or a forged press),
        so pressing the button twice never queues the question twice.
        """
        async with self._sessions() as session, session.begin():
            state = await session.scalar(
                select(DialogState).where(DialogState.user_id == user_id).with_for_update()
            )
            if state is None or state.flow != FLOW:
                return None
            question = HrQuestion(
                user_id=user_id, text=state.data["text"], language=state.data["language"]
            )
            session.add(question)
            await session.delete(state)
            await session.flush()
            return question.id
