"""👍/👎 on answers, stored per entry (one rating per user and entry, the latest counts)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from db.models import AnswerRating, User
from db.retry import retry_on_lock
from db.session import SessionFactory


@dataclass(frozen=True)
class EntryRating:
    entry_id: str
    up: int
    down: int


class RatingService:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @retry_on_lock
    async def rate(self, user_id: int, entry_id: str, rating: int) -> None:
        """Store +1 or -1 for the entry, replacing the user's earlier rating of it."""
        if rating not in (1, -1):
            raise ValueError(rating)
        async with self._sessions() as session, session.begin():
            if await session.get(User, user_id) is None:
                session.add(User(id=user_id))
                await session.flush()
            row = await session.scalar(
                select(AnswerRating).where(
                    AnswerRating.user_id == user_id, AnswerRating.entry_id == entry_id
                )
            )
            if row is None:
                session.add(AnswerRating(user_id=user_id, entry_id=entry_id, rating=rating))
            else:
                row.rating = rating

    async def totals(self) -> list[EntryRating]:
        """Ups and downs per entry, most-disliked first."""
        up = func.sum(case((AnswerRating.rating > 0, 1), else_=0))
        down = func.sum(case((AnswerRating.rating < 0, 1), else_=0))
        query = (
            select(AnswerRating.entry_id, up, down)
            .group_by(AnswerRating.entry_id)
            .order_by(down.desc(), AnswerRating.entry_id)
        )
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
        return [EntryRating(entry_id, int(u or 0), int(d or 0)) for entry_id, u, d in rows]
