"""Mentors: HR assigns one to a person in a rotation, the mentor accepts in the bot, then both
are introduced. A mentor sees the person's name, new post and TMT, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import SUPER, Access
from bot.outbox.store import enqueue
from bot.rotation import moves
from bot.rotation.moves import Move
from db import repositories as repo
from db.models import AuditEntry, Employee, Mentorship, Rotation, TelegramLink, Unit
from db.retry import retry_on_lock
from db.session import SessionFactory

OFFER, INTRO, ANSWER = "mentor_offer", "mentor_intro", "mentor_answer"


class Assigned(Enum):
    OFFERED = "offered"
    NO_ROTATION = "no_rotation"
    NO_MENTOR = "no_mentor"  # no employee has that NIP
    SAME_PERSON = "same_person"
    NOT_LINKED = "not_linked"  # the mentor has no linked account to be asked in


@dataclass(frozen=True)
class Mentor:
    employee_id: int
    name: str
    position: str
    unit: str
    user_id: int | None


@dataclass(frozen=True)
class Pairing:
    id: int
    status: str
    assigned_by: int | None
    mentor: Mentor
    move: Move


class Mentoring:
    def __init__(self, sessions: SessionFactory, clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    @retry_on_lock
    async def assign(
        self, rotation_id: int, mentor_nip: str, admin: int, access: Access = SUPER
    ) -> Assigned:
        """Offer the mentoring to the employee with ``mentor_nip`` (asked in the bot); the move
        must be within the admin's reach."""
        async with self._sessions() as session, session.begin():
            move = await moves.of_rotation(session, rotation_id)
            reachable = await session.scalar(
                select(Rotation.id).where(Rotation.id == rotation_id, access.rotations())
            )
            if move is None or move.status != "planned" or reachable is None:
                return Assigned.NO_ROTATION
            mentor = await _mentor(session, Employee.nip == mentor_nip)
            if mentor is None:
                return Assigned.NO_MENTOR
            if mentor.employee_id == move.employee_id:
                return Assigned.SAME_PERSON
            if mentor.user_id is None:
                return Assigned.NOT_LINKED
            await session.execute(
                update(Mentorship)
                .where(Mentorship.rotation_id == rotation_id, Mentorship.status == "offered")
                .values(status="withdrawn")
            )
            row = Mentorship(rotation_id=rotation_id, mentor_id=mentor.employee_id)
            row.assigned_by, row.status, row.created_at = admin, "offered", self._clock()
            session.add(row)
            await session.flush()
            await enqueue(session, mentor.user_id, OFFER, row.id, self._clock())
            detail = f"rotation {rotation_id}"
            session.add(AuditEntry(actor_id=admin, action="mentor_assign",
                                   employee_id=move.employee_id, detail=detail))  # fmt: skip
            return Assigned.OFFERED

    @retry_on_lock
    async def respond(self, user_id: int, pairing_id: int, accept: bool) -> Pairing | None:
        """The mentor's answer; None unless it is their open offer. Accepting introduces
        both; either way the admin who assigned is told."""
        async with self._sessions() as session, session.begin():
            found = await self._pairing(session, pairing_id)
            if found is None or found.mentor.user_id != user_id or found.status != "offered":
                return None
            claimed = await session.execute(
                update(Mentorship)
                .where(Mentorship.id == pairing_id, Mentorship.status == "offered")
                .values(status="accepted" if accept else "declined", answered_at=self._clock())
            )
            if repo.rowcount(claimed) != 1:
                return None
            now = self._clock()
            if accept and found.move.user_id is not None:
                await enqueue(session, found.move.user_id, INTRO, pairing_id, now)
            if found.assigned_by is not None:
                await enqueue(session, found.assigned_by, ANSWER, pairing_id, now)
            return await self._pairing(session, pairing_id)

    async def get(self, pairing_id: int) -> Pairing | None:
        async with self._sessions() as session:
            return await self._pairing(session, pairing_id)

    async def _pairing(self, session: AsyncSession, pairing_id: int) -> Pairing | None:
        row = await session.get(Mentorship, pairing_id, populate_existing=True)
        if row is None:
            return None
        move = await moves.of_rotation(session, row.rotation_id)
        mentor = await _mentor(session, Employee.id == row.mentor_id)
        if move is None or mentor is None:
            return None
        return Pairing(row.id, row.status, row.assigned_by, mentor, move)


async def _mentor(session: AsyncSession, condition: ColumnElement[bool]) -> Mentor | None:
    row = (
        await session.execute(
            select(
                Employee.id, Employee.name, Employee.position_name, Unit.name, TelegramLink.user_id
            )
            .join(Unit, Unit.id == Employee.unit_id)
            .outerjoin(TelegramLink, TelegramLink.employee_id == Employee.id)
            .where(condition)
        )
    ).first()
    return Mentor(*row) if row is not None else None
