"""Telegram users: first contact, language choice and consent to the privacy notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.i18n import pick_language
from db.base import utcnow
from db.models import Employee, TelegramLink, User
from db.session import SessionFactory


@dataclass(frozen=True)
class UserInfo:
    user_id: int
    language: str
    consent_at: datetime | None
    first_contact: bool
    employee_name: str | None


class UserService:
    """Reads and updates the ``users`` table; each call is one transaction."""

    def __init__(self, sessions: SessionFactory, default_language: str) -> None:
        self._sessions = sessions
        self._default = default_language

    async def touch(self, user_id: int, telegram_language: str | None) -> UserInfo:
        """Record that the user was seen, creating them on first contact."""
        async with self._sessions() as session, session.begin():
            user = await session.get(User, user_id)
            first = user is None
            if user is None:
                lang = pick_language(None, telegram_language, self._default)
                user = User(id=user_id, language=lang)
                session.add(user)
            user.last_seen_at = utcnow()
            user.is_blocked = False
            name = await session.scalar(
                select(Employee.name)
                .join(TelegramLink, TelegramLink.employee_id == Employee.id)
                .where(TelegramLink.user_id == user_id)
            )
        language = pick_language(user.language, telegram_language, self._default)
        return UserInfo(user_id, language, user.consent_at, first, name)

    async def set_language(self, user_id: int, language: str) -> None:
        """Store the user's language choice."""
        async with self._sessions() as session, session.begin():
            user = await session.get(User, user_id)
            if user is not None:
                user.language = language

    async def give_consent(self, user_id: int) -> datetime:
        """Record consent to the privacy notice (the first time only) and return its time."""
        async with self._sessions() as session, session.begin():
            user = await session.get(User, user_id)
            if user is None:
                raise LookupError("unknown user")
            if user.consent_at is None:
                user.consent_at = utcnow()
            return user.consent_at
