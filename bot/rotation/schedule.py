"""When reminders and check-ins fall due, and queueing the due ones exactly once.

A rotation has a reminder at each ``reminder_days`` before its TMT and a check-in at each
``followup_days`` after it, at ``reminder_time`` local time. Rows are planned when the rotation is
written. The sweep queues, per rotation and kind, only the latest row that fell due (so a person
linked late, or a bot back from downtime, sends one message, not a burst) and never a reminder
on or after the TMT.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Config
from db import repositories as repo
from db.models import OutboxMessage, Rotation, RotationMessage, TelegramLink

REMINDER, CHECKIN = "reminder", "checkin"
OUTBOX_KIND = {REMINDER: "rotation_reminder", CHECKIN: "rotation_checkin"}


@dataclass(frozen=True)
class Moment:
    kind: str
    offset_days: int
    due_at: datetime


@dataclass(frozen=True)
class Planner:
    """The configured offsets, as moments in time for a given TMT."""

    reminder_days: tuple[int, ...]
    followup_days: tuple[int, ...]
    at: time
    timezone: ZoneInfo

    @classmethod
    def of(cls, config: Config) -> Planner:
        rotation = config.rotation
        return cls(
            rotation.reminder_days, rotation.followup_days, rotation.reminder_time, config.timezone
        )

    def moments(self, tmt: date) -> list[Moment]:
        """Every reminder and check-in of a rotation with this TMT, in time order."""
        found = [
            Moment(REMINDER, d, self._at(tmt - timedelta(days=d))) for d in self.reminder_days
        ]
        found += [
            Moment(CHECKIN, d, self._at(tmt + timedelta(days=d))) for d in self.followup_days
        ]
        return sorted(found, key=lambda m: m.due_at)

    def to_plan(self, tmt: date, now: datetime) -> list[Moment]:
        """The moments worth a row: the future ones and, per kind, the latest past one."""
        moments = self.moments(tmt)
        keep = [m for m in moments if m.due_at > now]
        for kind in (REMINDER, CHECKIN):
            past = [m for m in moments if m.kind == kind and m.due_at <= now]
            if past:
                keep.append(past[-1])
        return keep

    def today(self, now: datetime) -> date:
        return now.astimezone(self.timezone).date()

    def _at(self, day: date) -> datetime:
        return datetime.combine(day, self.at, self.timezone)


async def plan(
    session: AsyncSession,
    planner: Planner,
    rotations: Iterable[tuple[int, date]],
    now: datetime,
    fresh: bool = False,
) -> None:
    """(Re)plan the messages of rotations whose TMT is new or changed.

    What was queued stays as history; everything else of the rotation is planned afresh.
    ``fresh`` rotations were just created and have nothing to replace.
    """
    pairs = list(rotations)
    ids = [] if fresh else [rotation_id for rotation_id, _ in pairs]
    for start in range(0, len(ids), repo.CHUNK):
        chunk = ids[start : start + repo.CHUNK]
        await session.execute(
            delete(RotationMessage).where(
                RotationMessage.rotation_id.in_(chunk), RotationMessage.state != "queued"
            )
        )
    rows = [
        {"rotation_id": rotation_id, "kind": m.kind, "offset_days": m.offset_days, "tmt": tmt,
         "due_at": m.due_at, "state": "planned"}
        for rotation_id, tmt in pairs
        for m in planner.to_plan(tmt, now)
    ]  # fmt: skip
    await repo.insert_ignore_many(session, RotationMessage, rows)


async def cancel(session: AsyncSession, rotation_ids: Sequence[int]) -> None:
    """Nothing more is sent for these rotations (their queued history stays)."""
    for start in range(0, len(rotation_ids), repo.CHUNK):
        chunk = rotation_ids[start : start + repo.CHUNK]
        await session.execute(
            update(RotationMessage)
            .where(
                RotationMessage.rotation_id.in_(chunk),
                repo.unindexed(RotationMessage.state) == "planned",
            )
            .values(state="cancelled")
        )


@dataclass(frozen=True)
class Due:
    message_id: int
    rotation_id: int
    kind: str
    offset_days: int
    due_at: datetime
    chat_id: int


async def due(session: AsyncSession, now: datetime, today: date, limit: int) -> list[Due]:
    """Planned messages of linked people that fell due, oldest first (rows locked on
    PostgreSQL, skipping those another process holds)."""
    query = (
        select(
            RotationMessage.id,
            RotationMessage.rotation_id,
            RotationMessage.kind,
            RotationMessage.offset_days,
            RotationMessage.due_at,
            TelegramLink.user_id,
        )
        .join(Rotation, Rotation.id == RotationMessage.rotation_id)
        .join(TelegramLink, TelegramLink.employee_id == Rotation.employee_id)
        .where(
            RotationMessage.state == "planned",
            RotationMessage.due_at <= now,
            Rotation.status == "planned",
            (RotationMessage.kind != REMINDER) | (RotationMessage.tmt > today),
        )
        .order_by(RotationMessage.due_at, RotationMessage.id)
        .limit(limit)
        .with_for_update(of=RotationMessage, skip_locked=True)
    )
    return [Due(*row) for row in (await session.execute(query)).all()]


async def expire_reminders(session: AsyncSession, today: date, now: datetime) -> int:
    """Reminders whose TMT has come are never sent (they all fell due before ``now``)."""
    result = await session.execute(
        update(RotationMessage)
        .where(
            RotationMessage.state == "planned",
            RotationMessage.due_at <= now,
            RotationMessage.kind == REMINDER,
            RotationMessage.tmt <= today,
        )
        .values(state="expired")
    )
    return repo.rowcount(result)


async def queue_due(
    session: AsyncSession, planner: Planner, now: datetime, limit: int
) -> tuple[int, int]:
    """Move the latest due message of each rotation (per kind) to the outbox, skip the older
    ones; (queued, due rows seen). Run in one transaction: a row is queued at most once."""
    today = planner.today(now)
    await expire_reminders(session, today, now)
    await skip_superseded(session, now)
    found = await due(session, now, today, limit)
    queued = 0
    ids = [item.message_id for item in found]
    for start in range(0, len(ids), repo.CHUNK):
        claimed = await session.execute(
            update(RotationMessage)
            .where(RotationMessage.id.in_(ids[start : start + repo.CHUNK]),
                   repo.unindexed(RotationMessage.state) == "planned")
            .values(state="queued", queued_at=now)
        )  # fmt: skip
        queued += repo.rowcount(claimed)
    # A row another process queued between the SELECT and the UPDATE (SQLite has no row
    # locks) meets the outbox's unique key here: queued twice is still sent once.
    await repo.insert_ignore_many(session, OutboxMessage, [
        {"chat_id": item.chat_id, "kind": OUTBOX_KIND[item.kind], "ref_id": item.message_id,
         "not_before": now, "state": "pending", "attempts": 0, "created_at": now}
        for item in found
    ])  # fmt: skip
    return queued, len(found)


async def skip_superseded(session: AsyncSession, now: datetime) -> int:
    """A due message with a later due one of the same rotation and kind is never sent."""
    # A queued row is never older than a planned one of the same TMT (planning keeps only the
    # latest past moment), so comparing the planned rows among themselves is enough.
    message = RotationMessage
    pending = (message.state == "planned") & (message.due_at <= now)
    crowded = (
        select(message.rotation_id).where(pending)
        .group_by(message.rotation_id, message.kind).having(func.count() > 1)
    )  # fmt: skip
    rows = await session.execute(
        select(message.id, message.rotation_id, message.kind, message.due_at)
        .where(pending, message.rotation_id.in_(crowded))
        .order_by(message.due_at.desc(), message.id.desc())
    )  # fmt: skip
    seen: set[tuple[int, str]] = set()
    older = []
    for message_id, rotation_id, kind, _ in rows:
        if (rotation_id, kind) in seen:
            older.append(message_id)
        seen.add((rotation_id, kind))
    for start in range(0, len(older), repo.CHUNK):
        await session.execute(
            update(message).where(message.id.in_(older[start : start + repo.CHUNK]))
            .values(state="skipped")
        )  # fmt: skip
    return len(older)
