"""Linking a Telegram account to an NIP with a one-time code from HR, and undoing it.

Codes are random, stored only as a keyed hash (HMAC with the server key), expire, work once and
belong to one NIP; a code is claimed in one conditional UPDATE, so it links one account even
when several send it at the same moment. Failed attempts are limited per account and per NIP
with counters checked and raised in one statement. The per-NIP limit stops wrong codes only: a
stranger cannot lock the owner out, because the owner's valid code still links. Answers never
reveal whether an NIP exists.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import SUPER, Access
from bot.accounts.server_key import keyed_hash
from bot.career import nip as nips
from db import repositories as repo
from db.base import utcnow
from db.models import (
    AuditEntry,
    BroadcastAck,
    CheckinAnswer,
    DialogState,
    Employee,
    HrQuestion,
    LinkCode,
    LinkGuard,
    OutboxMessage,
    ReadinessAnswer,
    Rotation,
    TelegramLink,
    Unit,
    User,
)
from db.retry import retry_on_lock
from db.session import SessionFactory

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8
CODE_SHAPE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
MAX_FAILURES = 5
WINDOW = timedelta(hours=1)
ACCOUNT, NIP = "account", "nip"


class LinkResult(Enum):
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime


def normalise_code(code: str) -> str:
    """What people type ("abcd 2345", "ABCD-2345", "abcd2345") as the bare code."""
    return re.sub(r"[\s\-]", "", code or "").upper()


def looks_like_code(text: str) -> bool:
    return bool(CODE_SHAPE.fullmatch(normalise_code(text)))


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


class LinkService:
    def __init__(self, sessions: SessionFactory, key: bytes, code_hours: int = 72) -> None:
        self._sessions = sessions
        self._key = key
        self._lifetime = timedelta(hours=code_hours)

    def _code_hash(self, nip: str, code: str) -> str:
        return keyed_hash(self._key, "code", nip, normalise_code(code))

    def _nip_key(self, nip: str) -> str:
        return keyed_hash(self._key, "nip", nip)

    @retry_on_lock
    async def issue_code(
        self, nip: str, issued_by: int | None, access: Access = SUPER
    ) -> IssuedCode | None:
        """A fresh code for an existing NIP within the admin's reach (None if HR has no such
        employee there); audited."""
        nip = nips.normalise(nip)
        async with self._sessions() as session, session.begin():
            employee = await session.scalar(
                select(Employee).join(Unit, Unit.id == Employee.unit_id)
                .where(Employee.nip == nip, access.units())
            )  # fmt: skip
            if employee is None:
                return None
            code = _new_code()
            expires = utcnow() + self._lifetime
            session.add(LinkCode(nip=nip, code_hash=self._code_hash(nip, code),
                                 issued_by=issued_by, expires_at=expires))  # fmt: skip
            session.add(AuditEntry(actor_id=issued_by, action="link_code_issued",
                                   employee_id=employee.id))  # fmt: skip
            return IssuedCode(code, expires)

    async def link(self, user_id: int, nip: str, code: str) -> tuple[LinkResult, str | None]:
        """Check the code and link (ending the linking dialogue); the employee's name on success.

        The account's attempt is counted before the code is looked at, so parallel attempts of
        one account cannot pass the limit; a success gives the attempt back.
        """
        nip = nips.normalise(nip)
        if not await self._count_failure(ACCOUNT, str(user_id)):
            return LinkResult.RATE_LIMITED, None
        result = await self._claim(user_id, nip, code)
        if result[0] in (LinkResult.LINKED, LinkResult.ALREADY_LINKED):
            await self._forgive(ACCOUNT, str(user_id))
            return result
        if await self._count_failure(NIP, self._nip_key(nip)):
            return LinkResult.INVALID, None
        return LinkResult.RATE_LIMITED, None

    @retry_on_lock
    async def _claim(self, user_id: int, nip: str, code: str) -> tuple[LinkResult, str | None]:
        """Use the code in one conditional UPDATE; link and end the dialogue in the same commit."""
        code_hash, now = self._code_hash(nip, code), utcnow()
        employee_id = select(Employee.id).where(Employee.nip == nip).scalar_subquery()
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(
                update(LinkCode)
                .where(LinkCode.code_hash == code_hash, LinkCode.nip == nip,
                       LinkCode.used_at.is_(None), LinkCode.expires_at > now,
                       employee_id.is_not(None))
                .values(used_at=now, used_by=user_id)
            )  # fmt: skip
            employee = await session.scalar(select(Employee).where(Employee.nip == nip))
            found = None if employee is None else employee.id
            won = repo.rowcount(claimed) == 1
            # Asked whether or not the NIP exists: a wrong code costs the same statements.
            again = not won and await self._already_linked_with(session, user_id, found, code_hash)
            if employee is None:
                return LinkResult.INVALID, None
            if won:
                await self._replace_links(session, user_id, employee.id)
                result = LinkResult.LINKED
            elif again:
                result = LinkResult.ALREADY_LINKED
            else:
                return LinkResult.INVALID, None
            await session.execute(delete(DialogState).where(DialogState.user_id == user_id))
            return result, employee.name

    @staticmethod
    async def _already_linked_with(
        session: AsyncSession, user_id: int, employee_id: int | None, code_hash: str
    ) -> bool:
        """The same account sends the code it already used (its reply was lost). Both queries
        run even without an employee, so an unknown NIP is not answered faster."""
        used_by = await session.scalar(
            select(LinkCode.used_by).where(LinkCode.code_hash == code_hash)
        )
        linked = await session.scalar(
            select(TelegramLink.employee_id).where(TelegramLink.user_id == user_id)
        )
        return employee_id is not None and used_by == user_id and linked == employee_id

    @retry_on_lock
    async def _count_failure(self, scope: str, key: str) -> bool:
        """Count one more failure unless the limit is reached, in one statement; True if counted.

        The conditional UPDATE is atomic on both databases (a row lock on PostgreSQL, the
        single writer on SQLite), so a burst of attempts can never be evaluated past the limit.
        """
        now = utcnow()
        cutoff = now - WINDOW
        stale = LinkGuard.window_start <= cutoff
        async with self._sessions() as session, session.begin():
            await repo.insert_ignore(
                session, LinkGuard, {"scope": scope, "key": key, "window_start": now,
                                     "failures": 0}
            )  # fmt: skip
            counted = await session.execute(
                update(LinkGuard)
                .where(LinkGuard.scope == scope, LinkGuard.key == key,
                       stale | (LinkGuard.failures < MAX_FAILURES))
                .values(failures=case((stale, 1), else_=LinkGuard.failures + 1),
                        window_start=case((stale, now), else_=LinkGuard.window_start))
            )  # fmt: skip
            return repo.rowcount(counted) == 1

    @retry_on_lock
    async def _forgive(self, scope: str, key: str) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(LinkGuard)
                .where(LinkGuard.scope == scope, LinkGuard.key == key, LinkGuard.failures > 0)
                .values(failures=LinkGuard.failures - 1)
            )

    @retry_on_lock
    async def purge_guards(self) -> int:
        """Forget attempt counters whose window has ended; how many."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(LinkGuard).where(LinkGuard.window_start <= utcnow() - WINDOW)
            )
            return repo.rowcount(result)

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

    @retry_on_lock
    async def unlink(self, user_id: int) -> bool:
        """End the account's link; True when there was one."""
        async with self._sessions() as session, session.begin():
            result = await session.execute(
                delete(TelegramLink).where(TelegramLink.user_id == user_id)
            )
            return bool(repo.rowcount(result))

    async def linked_nip(self, user_id: int) -> str | None:
        """The NIP this account is linked to, if any."""
        async with self._sessions() as session:
            return await session.scalar(
                select(Employee.nip)
                .join(TelegramLink, TelegramLink.employee_id == Employee.id)
                .where(TelegramLink.user_id == user_id)
            )

    @retry_on_lock
    async def delete_chat_data(self, user_id: int) -> list[int]:
        """Forget the account: its link, conversations, ratings and questions.

        Returns the numbers of the deleted questions (their draft files go too). The employee
        record stays: it belongs to HR, not to the chat. The attempt counters stay for their
        window: they are security records, and deleting them would reset the limits.
        """
        async with self._sessions() as session, session.begin():
            questions = list(
                await session.scalars(select(HrQuestion.id).where(HrQuestion.user_id == user_id))
            )
            employee = await session.scalar(
                select(TelegramLink.employee_id).where(TelegramLink.user_id == user_id)
            )
            if employee is not None:  # readiness answers were given in this chat
                mine = select(Rotation.id).where(Rotation.employee_id == employee)
                for model in (ReadinessAnswer, CheckinAnswer):
                    await session.execute(delete(model).where(model.rotation_id.in_(mine)))
            await session.execute(delete(OutboxMessage).where(OutboxMessage.chat_id == user_id))
            await session.execute(delete(BroadcastAck).where(BroadcastAck.user_id == user_id))
            await session.execute(delete(User).where(User.id == user_id))  # cascades
            return questions


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
