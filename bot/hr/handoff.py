"""Handing a question the bot cannot answer to a person at BKD/BKPSDM."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete

from bot.accounts.dialogs import Dialog, DialogService
from bot.hr.questions import file_question
from db.base import utcnow
from db.models import DialogState
from db.repositories import rowcount
from db.retry import retry_on_lock
from db.session import SessionFactory

FLOW = "handoff"
MAX_QUESTION_CHARS = 2000


class HandoffService:
    """Offers to forward an unanswered question and queues it once the user agrees."""

    def __init__(
        self,
        sessions: SessionFactory,
        dialogs: DialogService,
        superadmins: Callable[[], frozenset[int]] = frozenset,
    ) -> None:
        self._sessions = sessions
        self._dialogs = dialogs
        self._superadmins = superadmins

    @retry_on_lock
    async def offer(self, user_id: int, text: str, language: str) -> None:
        """Remember the question so a later "send" press can queue it (even after a restart)."""
        data = {"text": text[:MAX_QUESTION_CHARS], "language": language}
        await self._dialogs.save(user_id, Dialog(FLOW, "offer", data))

    @retry_on_lock
    async def send_pending(self, user_id: int) -> int | None:
        """Queue the offered question and close the offer in one transaction; its number.

        None when nothing is pending (already sent, cancelled, expired, or a forged press),
        so pressing the button twice never queues the question twice.
        """
        async with self._sessions() as session, session.begin():
            state = await session.get(DialogState, user_id)
            if state is None or state.flow != FLOW:
                return None
            data = dict(state.data)
            # The offer is claimed by deleting it: of two presses at once, one deletes a row.
            claimed = await session.execute(
                delete(DialogState).where(DialogState.user_id == user_id, DialogState.flow == FLOW)
            )
            if rowcount(claimed) != 1:
                return None
            question = await file_question(session, user_id, data["text"], data["language"],
                                           utcnow(), self._superadmins())  # fmt: skip
            return question.id
