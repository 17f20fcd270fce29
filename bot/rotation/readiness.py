"""The readiness check: "ready?", then the five building blocks, a reason and a note.

Every press is checked against the presser: the rotation must be their own (linked), still
planned and before its TMT, and a follow-up press must belong to their latest answer. Anything
else (a forged, stale or foreign button) changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.hr.questions import admins_reaching
from bot.outbox.store import enqueue
from bot.rotation import moves
from bot.rotation.guide import BLOCKS
from bot.rotation.moves import Move
from bot.rotation.schedule import Planner
from db.models import CheckinAnswer, ReadinessAnswer, Rotation
from db.retry import retry_on_lock
from db.session import SessionFactory

STATUSES = ("ready", "support", "not_ready")
BLOCK_ANSWERS = ("yes", "unsure", "no")
REASONS = ("location", "health", "workload", "competency", "unclear", "other")
CHECKINS = ("smooth", "issue", "help")
NOTE_LIMIT = 1000
ALERT = "readiness_alert"
CHECKIN_ALERT = "checkin_alert"


@dataclass(frozen=True)
class Answer:
    id: int
    status: str
    blocks: dict[str, str]
    barrier: str | None
    reason: str | None
    mentor_requested: bool
    move: Move

    @property
    def next_block(self) -> int | None:
        """The index of the first block not answered yet; None when all five are."""
        return next((i for i, b in enumerate(BLOCKS) if b not in self.blocks), None)


def barrier_of(blocks: dict[str, str]) -> str | None:
    """The first building block not answered "yes", in the model's order."""
    for block in BLOCKS:
        if block in blocks and blocks[block] != "yes":
            return block
    return None


class Readiness:
    def __init__(
        self,
        sessions: SessionFactory,
        planner: Planner,
        admins: Callable[[], frozenset[int]],
        clock: Callable[[], datetime],
    ) -> None:
        self._sessions = sessions
        self._planner = planner
        self._admins = admins
        self._clock = clock

    def _open(self, move: Move | None) -> bool:
        today = self._planner.today(self._clock())
        return move is not None and move.status == "planned" and today < move.tmt

    @retry_on_lock
    async def answer(self, user_id: int, rotation_id: int, status: str) -> Answer | None:
        """Record "ready / needs support / not ready"; HR admins hear of "not ready" at once.
        None when the rotation is not the user's or no longer open."""
        assert status in STATUSES
        async with self._sessions() as session, session.begin():
            move = await moves.of_user(session, user_id, rotation_id)
            if not self._open(move):
                return None
            assert move is not None
            latest = await _latest(session, rotation_id)
            if latest is not None and latest.status == status and not latest.blocks:
                return _answer(latest, move)  # a double tap: one answer, one alert
            row = ReadinessAnswer(rotation_id=rotation_id, status=status, blocks={},
                                  answered_at=self._clock())  # fmt: skip
            session.add(row)
            await session.flush()
            if status == "not_ready":
                for admin in await self._reaching(session, rotation_id):
                    await enqueue(session, admin, ALERT, row.id, self._clock())
            return _answer(row, move)

    async def _reaching(self, session: AsyncSession, rotation_id: int) -> list[int]:
        """The admins of the units the move leaves and enters (superadmins if none)."""
        units = (await session.execute(
            select(Rotation.from_unit_id, Rotation.to_unit_id).where(Rotation.id == rotation_id)
        )).one()  # fmt: skip
        return await admins_reaching(session, None, list(units), self._admins())

    async def _latest_own(
        self, session: AsyncSession, user_id: int, answer_id: int
    ) -> Answer | None:
        row = await session.get(ReadinessAnswer, answer_id)
        if row is None:
            return None
        latest = await session.scalar(
            select(func.max(ReadinessAnswer.id)).where(
                ReadinessAnswer.rotation_id == row.rotation_id
            )
        )
        move = await moves.of_user(session, user_id, row.rotation_id)
        if latest != row.id or not self._open(move):
            return None
        assert move is not None
        return _answer(row, move)

    async def own(self, user_id: int, answer_id: int) -> Answer | None:
        """The user's latest answer of an open rotation, as it stands."""
        async with self._sessions() as session:
            return await self._latest_own(session, user_id, answer_id)

    async def move_of(self, user_id: int, rotation_id: int) -> Move | None:
        async with self._sessions() as session:
            return await moves.of_user(session, user_id, rotation_id)

    @retry_on_lock
    async def block(self, user_id: int, answer_id: int, index: int, value: str) -> Answer | None:
        """One line of the check answered (or ``skip``: the rest left out). Only the next
        unanswered line is accepted, so a double tap or an old button changes nothing."""
        async with self._sessions() as session, session.begin():
            found = await self._latest_own(session, user_id, answer_id)
            if found is None or found.status == "ready" or found.next_block != index:
                return None
            row = await session.get(ReadinessAnswer, answer_id)
            assert row is not None
            blocks = dict(row.blocks)
            if value == "skip":
                if found.barrier is None:
                    return None  # skipping is offered once a barrier is known
                blocks.update({b: "skipped" for b in BLOCKS[index:]})
            else:
                blocks[BLOCKS[index]] = value
            row.blocks = blocks
            row.barrier = barrier_of(blocks)
            return _answer(row, found.move)

    async def reason(self, user_id: int, answer_id: int, reason: str) -> Answer | None:
        assert reason in REASONS
        return await self._change(user_id, answer_id, "reason", reason, ready_too=False)

    async def note(self, user_id: int, answer_id: int, text: str) -> Answer | None:
        note = text.strip()[:NOTE_LIMIT] or None
        return await self._change(user_id, answer_id, "note", note, ready_too=True)

    async def ask_mentor(self, user_id: int, answer_id: int) -> Answer | None:
        return await self._change(user_id, answer_id, "mentor_requested", True, ready_too=False)

    @retry_on_lock
    async def _change(
        self, user_id: int, answer_id: int, field: str, value: object, ready_too: bool
    ) -> Answer | None:
        """Set one field of the user's latest open answer; "ready" answers only when
        ``ready_too`` (they have no check, reason or mentor)."""
        async with self._sessions() as session, session.begin():
            found = await self._latest_own(session, user_id, answer_id)
            if found is None or (found.status == "ready" and not ready_too):
                return None
            row = await session.get(ReadinessAnswer, answer_id)
            assert row is not None
            setattr(row, field, value)
            return _answer(row, found.move)

    @retry_on_lock
    async def checkin(self, user_id: int, rotation_id: int, offset: int, value: str) -> bool:
        """How the new post is going, after the TMT; "needs help" alerts HR."""
        assert value in CHECKINS
        async with self._sessions() as session, session.begin():
            move = await moves.of_user(session, user_id, rotation_id)
            today = self._planner.today(self._clock())
            if move is None or move.status != "planned" or today < move.tmt:
                return False
            row = CheckinAnswer(rotation_id=rotation_id, offset_days=offset, answer=value,
                                answered_at=self._clock())  # fmt: skip
            session.add(row)
            await session.flush()
            if value == "help":
                for admin in await self._reaching(session, rotation_id):
                    await enqueue(session, admin, CHECKIN_ALERT, row.id, self._clock())
            return True

    async def latest(self, rotation_id: int) -> ReadinessAnswer | None:
        async with self._sessions() as session:
            row = await _latest(session, rotation_id)
            if row is not None:
                session.expunge(row)
            return row

    async def alert(self, answer_id: int) -> tuple[ReadinessAnswer, Move] | None:
        return await moves.with_move(self._sessions, ReadinessAnswer, answer_id)

    async def checkin_alert(self, checkin_id: int) -> tuple[CheckinAnswer, Move] | None:
        return await moves.with_move(self._sessions, CheckinAnswer, checkin_id)


async def _latest(session: AsyncSession, rotation_id: int) -> ReadinessAnswer | None:
    return await session.scalar(
        select(ReadinessAnswer).where(ReadinessAnswer.rotation_id == rotation_id)
        .order_by(ReadinessAnswer.id.desc()).limit(1)
    )  # fmt: skip


def _answer(row: ReadinessAnswer, move: Move) -> Answer:
    return Answer(row.id, row.status, dict(row.blocks), row.barrier, row.reason,
                  row.mentor_requested, move)  # fmt: skip
