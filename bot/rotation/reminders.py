"""Reminders and check-ins: queue what fell due, show what would be sent, read one back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.rotation import moves, schedule
from bot.rotation.moves import Move
from bot.rotation.schedule import Planner
from db.models import Rotation, RotationMessage, TelegramLink
from db.retry import retry_on_lock
from db.session import SessionFactory

BATCH = 20_000  # due rows taken per transaction (a province's busiest morning fits in one)


@dataclass(frozen=True)
class Pending:
    """A reminder or check-in that would go out now."""

    message_id: int
    kind: str
    offset_days: int
    due_at: datetime
    move: Move


class Reminders:
    def __init__(
        self, sessions: SessionFactory, planner: Planner, clock: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self.planner = planner
        self.clock = clock

    @retry_on_lock
    async def queue_due(self, now: datetime | None = None) -> int:
        """Move every due reminder and check-in to the outbox; how many were queued."""
        now = now or self.clock()
        total = 0
        while True:
            async with self._sessions() as session, session.begin():
                queued, seen = await schedule.queue_due(session, self.planner, now, BATCH)
            total += queued
            if seen < BATCH:
                return total

    async def preview(self, at: datetime) -> list[Pending]:
        """What a sweep at ``at`` would queue, without changing anything (for operators)."""
        async with self._sessions() as session:
            found = await schedule.due(session, at, self.planner.today(at), 1_000_000)
            latest = {(d.rotation_id, d.kind): d for d in found}
            wanted = sorted({d.rotation_id for d in latest.values()})
            people = {m.rotation_id: m for m in await moves.load(session, Rotation.id.in_(wanted))}
        return [
            Pending(d.message_id, d.kind, d.offset_days, d.due_at, people[d.rotation_id])
            for d in sorted(latest.values(), key=lambda d: d.due_at)
            if d.rotation_id in people
        ]

    async def own(self, user_id: int) -> list[Move]:
        """The linked user's rotations still ahead (planned, TMT after today)."""
        today = self.planner.today(self.clock())
        async with self._sessions() as session:
            found = await moves.load(
                session, TelegramLink.user_id == user_id, Rotation.status == "planned",
                Rotation.tmt > today,
            )  # fmt: skip
        return sorted(found, key=lambda m: m.tmt)

    async def message(self, message_id: int) -> tuple[RotationMessage, Move] | None:
        """A queued reminder or check-in and the move it is about."""
        return await moves.with_move(self._sessions, RotationMessage, message_id)
