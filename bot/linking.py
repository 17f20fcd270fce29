"""Linking a Telegram account to an NIP with a one-time code from HR, and undoing it.

Codes are random, stored only as a hash, expire, work once and belong to one NIP. Failed attempts
are limited per account and per NIP, and the answers never reveal whether an NIP exists.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import nip as nips
from db.base import utcnow
from db.models import AuditEntry, Employee, LinkAttempt, LinkCode, TelegramLink, User
from db.session import SessionFactory

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8
MAX_FAILURES = 5
WINDOW = timedelta(hours=1)


class LinkResult(Enum):
    LINKED = "linked"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


def _hash(nip: str, code: str) -> str:
    return hashlib.sha256(f"{nip}:{code.upper().replace('-', '')}".encode()).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


class LinkService:
    def __init__(self, sessions: SessionFactory, code_hours: int = 72) -> None:
        self._sessions = sessions
        self._lifetime = timedelta(hours=code_hours)

    async def issue_code(self, nip: str, issued_by: int | None) -> IssuedCode | None:
        """A fresh code for an existing NIP (None if HR has no such employee); audited."""
        nip = nips.normalise(nip)
        async with self._sessions() as session, session.begin():
            employee = await session.scalar(select(Employee).where(Employee.nip == nip))
            if employee is None:
                return None
            code = _new_code()
            expires = utcnow() + self._lifetime
            session.add(LinkCode(nip=nip, code_hash=_hash(nip, code), issued_by=issued_by,
                                 expires_at=expires))  # fmt: skip
            session.add(AuditEntry(actor_id=issued_by, action="link_code_issued",
                                   employee_id=employee.id))  # fmt: skip
            return IssuedCode(code, expires)

    async def link(self, user_id: int, nip: str, code: str) -> tuple[LinkResult, str | None]:
        """Check the code and link; the employee's name on success."""
        nip = nips.normalise(nip)
        async with self._sessions() as session, session.begin():
            if await self._too_many_failures(session, user_id, nip):
                return LinkResult.RATE_LIMITED, None
            row = await session.scalar(
                select(LinkCode)
                .where(LinkCode.code_hash == _hash(nip, code), LinkCode.nip == nip)
                .with_for_update()
            )
            employee = await session.scalar(select(Employee).where(Employee.nip == nip))
            if row is None or row.used_at or row.expires_at <= utcnow() or employee is None:
                session.add(LinkAttempt(user_id=user_id, nip=nip))
                return LinkResult.INVALID, None
            row.used_at = utcnow()
            await self._replace_links(session, user_id, employee.id)
            return LinkResult.LINKED, employee.name

    @staticmethod
    async def _too_many_failures(session: AsyncSession, user_id: int, nip: str) -> bool:
        since = utcnow() - WINDOW
        by_user = await session.scalar(
            select(func.count()).select_from(LinkAttempt)
            .where(LinkAttempt.user_id == user_id, LinkAttempt.at > since)
        )  # fmt: skip
        by_nip = await session.scalar(
            select(func.count()).select_from(LinkAttempt)
            .where(LinkAttempt.nip == nip, LinkAttempt.at > since)
        )  # fmt: skip
        return (by_user or 0) >= MAX_FAILURES or (by_nip or 0) >= MAX_FAILURES

    @staticmethod
    async def _replace_links(session: AsyncSession, user_id: int, employee_id: int) -> None:
        """One account per NIP and one NIP per account: any older link of either ends."""
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id))
            await session.flush()
        await session.execute(
            delete(TelegramLink).where(
                (TelegramLink.user_id == user_id) | (TelegramLink.employee_id == employee_id)
            )
        )
        session.add(TelegramLink(user_id=user_id, employee_id=employee_id))

    async def unlink(self, user_id: int) -> bool:
        """End the account's link; True when there was one."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(TelegramLink).where(TelegramLink.user_id == user_id)
            )
            return bool(getattr(result, "rowcount", 0))

    async def linked_employee_id(self, user_id: int) -> int | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(TelegramLink.employee_id).where(TelegramLink.user_id == user_id)
            )

    async def delete_chat_data(self, user_id: int) -> None:
        """Forget the account: its link, conversations, ratings, questions and attempts.

        The employee record stays: it belongs to HR, not to the chat.
        """
        async with self._sessions() as session, session.begin():
            await session.execute(delete(LinkAttempt).where(LinkAttempt.user_id == user_id))
            await session.execute(delete(User).where(User.id == user_id))  # cascades


async def link_directly(sessions: SessionFactory, user_id: int, nip: str) -> str | None:
    """Link an account to an NIP without a code (the local console only); the employee's name.

    Returns None when no employee has that NIP. An older link of either side is replaced.
    """
    async with sessions() as session, session.begin():
        employee = await session.scalar(select(Employee).where(Employee.nip == nip))
        if employee is None:
            return None
        await LinkService._replace_links(session, user_id, employee.id)
        return employee.name
