"""Multi-step conversation state in the database: a restart or another process resumes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete

from db.base import utcnow
from db.models import DialogState
from db.retry import retry_on_lock
from db.session import SessionFactory


@dataclass(frozen=True)
class Dialog:
    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


class DialogService:
    """Start, read, advance and end a user's conversation; expired ones read as absent."""

    def __init__(self, sessions: SessionFactory, ttl_minutes: int) -> None:
        self._sessions = sessions
        self._ttl = timedelta(minutes=ttl_minutes)

    async def current(self, user_id: int) -> Dialog | None:
        """The user's unfinished conversation, if any."""
        async with self._sessions() as session:
            row = await session.get(DialogState, user_id)
            if row is None or row.expires_at <= utcnow():
                return None
            return Dialog(row.flow, row.step, dict(row.data))

    @retry_on_lock
    async def save(self, user_id: int, dialog: Dialog) -> None:
        """Begin or advance a conversation; the time to live starts again."""
        async with self._sessions() as session, session.begin():
            row = await session.get(DialogState, user_id)
            if row is None:
                row = DialogState(user_id=user_id)
                session.add(row)
            row.flow, row.step, row.data = dialog.flow, dialog.step, dict(dialog.data)
            row.expires_at = utcnow() + self._ttl

    @retry_on_lock
    async def end(self, user_id: int) -> bool:
        """Forget the user's conversation; True when there was one."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(DialogState).where(DialogState.user_id == user_id)
            )
            return bool(getattr(result, "rowcount", 0))

    @retry_on_lock
    async def purge_expired(self, now: datetime | None = None) -> int:
        """Delete conversations past their time to live; returns how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(DialogState).where(DialogState.expires_at <= (now or utcnow()))
            )
            return int(getattr(result, "rowcount", 0))
