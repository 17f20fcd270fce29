"""Broadcasts in the database: created with one outbox row per recipient (one INSERT … SELECT),
cancelled, acknowledged, re-sent to those who have not acknowledged, and counted."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import SUPER, Access
from bot.broadcast.audience import Audience, recipients
from db import repositories as repo
from db.base import utcnow
from db.models import (
    AuditEntry,
    Broadcast,
    BroadcastAck,
    Employee,
    OutboxMessage,
    TelegramLink,
    Unit,
)
from db.retry import retry_on_lock
from db.session import SessionFactory

KIND = "broadcast"  # the outbox kind; ref_id is the broadcast's id
ACTIVE = ("scheduled", "sending")


@dataclass(frozen=True)
class Draft:
    text: str  # Telegram HTML
    audience: Audience
    ack: bool = False
    media_kind: str | None = None  # "photo" or "document"
    media_file_id: str | None = None


@dataclass(frozen=True)
class Content:
    id: int
    text: str
    ack: bool
    media: tuple[str, str] | None


@dataclass
class Figures:
    """Where a broadcast stands, from its outbox rows."""

    id: int
    status: str
    recipients: int
    send_at: datetime
    created_at: datetime
    audience: Audience
    ack: bool
    author_id: int | None
    text: str
    parent_id: int | None
    counts: dict[str, int] = field(default_factory=dict)
    acknowledged: int = 0
    progress_chat_id: int | None = None
    progress_message_id: int | None = None
    finished_at: datetime | None = None

    @property
    def sent(self) -> int:
        return self.counts.get("sent", 0)

    @property
    def remaining(self) -> int:
        return self.counts.get("pending", 0) + self.counts.get("sending", 0)

    @property
    def done(self) -> bool:
        return self.remaining == 0


@dataclass(frozen=True)
class UnitAcks:
    unit: str
    sent: int
    acknowledged: int


class Broadcasts:
    def __init__(self, sessions: SessionFactory, clock: Callable[[], datetime] = utcnow) -> None:
        self._sessions = sessions
        self._clock = clock

    async def unit_codes(self, access: Access = SUPER) -> set[str]:
        """The codes of the units an admin's broadcasts may reach."""
        async with self._sessions() as session:
            return set(await session.scalars(select(Unit.code).where(access.units())))

    async def count(self, audience: Audience, access: Access = SUPER) -> int:
        """How many people the audience reaches now (the preview's number)."""
        async with self._sessions() as session:
            found = await session.scalar(
                select(func.count()).select_from(recipients(audience, access).subquery())
            )
            return int(found or 0)

    @retry_on_lock
    async def create(
        self, author: int | None, draft: Draft, send_at: datetime | None = None,
        access: Access = SUPER, progress_chat: int | None = None,
    ) -> Figures:  # fmt: skip
        """Store the broadcast and queue one outbox row per recipient, due at ``send_at``."""
        now = self._clock()
        due = max(send_at or now, now)
        async with self._sessions() as session, session.begin():
            row = Broadcast(author_id=author, text=draft.text, media_kind=draft.media_kind,
                            media_file_id=draft.media_file_id, audience=draft.audience.as_json(),
                            ack=draft.ack, status="scheduled", send_at=due, created_at=now,
                            progress_chat_id=progress_chat, recipients=0)  # fmt: skip
            session.add(row)
            await session.flush()
            people = recipients(draft.audience, access).with_only_columns(TelegramLink.user_id)
            row.recipients = await _queue(session, row.id, people, due, now)
            session.add(AuditEntry(actor_id=author, action="broadcast_create",
                                   detail=f"broadcast {row.id}: {draft.audience.describe()}, "
                                          f"{row.recipients} recipients"))  # fmt: skip
        await _analyze_if_large(self._sessions, row.recipients)
        found = await self.figures(row.id)
        assert found is not None
        return found

    @retry_on_lock
    async def resend_unacknowledged(
        self, broadcast_id: int, author: int | None, access: Access = SUPER
    ) -> Figures | None:  # the progress goes to the author's chat
        """A new broadcast of the same message to those who got it but have not acknowledged."""
        now = self._clock()
        async with self._sessions() as session, session.begin():
            first = await _visible(session, broadcast_id, access, author)
            if first is None or not first.ack:
                return None
            root = first.parent_id or first.id
            family = select(Broadcast.id).where(or_(Broadcast.id == root,
                                                    Broadcast.parent_id == root))  # fmt: skip
            acked = select(BroadcastAck.user_id).where(BroadcastAck.broadcast_id == root)
            people = (
                select(OutboxMessage.chat_id)
                .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id.in_(family),
                       OutboxMessage.state == "sent", OutboxMessage.chat_id.not_in(acked))
                .distinct()
            )  # fmt: skip
            row = Broadcast(author_id=author, text=first.text, media_kind=first.media_kind,
                            media_file_id=first.media_file_id, audience=first.audience,
                            ack=True, parent_id=root, status="scheduled", send_at=now,
                            created_at=now, recipients=0, progress_chat_id=author)  # fmt: skip
            session.add(row)
            await session.flush()
            row.recipients = await _queue(session, row.id, people, now, now)
            session.add(AuditEntry(actor_id=author, action="broadcast_resend",
                                   detail=f"broadcast {row.id} of {root}: "
                                          f"{row.recipients} recipients"))  # fmt: skip
        return await self.figures(row.id)

    @retry_on_lock
    async def cancel(self, broadcast_id: int, actor: int | None, access: Access = SUPER) -> bool:
        """Stop a broadcast: what has not gone out yet never will."""
        async with self._sessions() as session, session.begin():
            row = await _visible(session, broadcast_id, access, actor)
            if row is None or row.status not in ACTIVE:
                return False
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id == broadcast_id,
                       OutboxMessage.state == "pending")
                .values(state="cancelled")
            )  # fmt: skip
            row.status, row.finished_at = "cancelled", self._clock()
            session.add(AuditEntry(actor_id=actor, action="broadcast_cancel",
                                   detail=f"broadcast {broadcast_id}"))  # fmt: skip
            return True

    @retry_on_lock
    async def acknowledge(self, broadcast_id: int, user_id: int) -> bool | None:
        """Record "Saya sudah membaca" once, for the first broadcast of a re-sent family: True
        when recorded, False when it already was, None when this person was never sent this
        broadcast with the button (a forged press)."""
        async with self._sessions() as session, session.begin():
            row = await session.get(Broadcast, broadcast_id)
            if row is None or not row.ack:
                return None
            got = await session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.kind == KIND, OutboxMessage.ref_id == broadcast_id,
                    OutboxMessage.chat_id == user_id,
                    OutboxMessage.state.in_(("sent", "sending")),
                )
            )  # fmt: skip
            if got is None:
                return None
            root = row.parent_id or row.id
            if await session.get(BroadcastAck, (root, user_id)) is not None:
                return False
            values = {"broadcast_id": root, "user_id": user_id, "at": self._clock()}
            await repo.insert_ignore(session, BroadcastAck, values)
            return True

    async def content(self, broadcast_id: int) -> Content | None:
        """What every recipient of the broadcast gets."""
        async with self._sessions() as session:
            row = await session.get(Broadcast, broadcast_id)
            if row is None:
                return None
            media = (
                (row.media_kind, row.media_file_id)
                if row.media_kind and row.media_file_id
                else None
            )
            return Content(row.id, row.text, row.ack, media)

    async def figures(self, broadcast_id: int) -> Figures | None:
        """The broadcast with its outbox counts and acknowledgements."""
        async with self._sessions() as session:
            row = await session.get(Broadcast, broadcast_id)
            if row is None:
                return None
            return await _figures(session, row)

    async def visible(
        self, broadcast_id: int, access: Access, actor: int | None
    ) -> Figures | None:
        """The broadcast's figures, if this admin may see it (superadmins: any; others: their
        own)."""
        async with self._sessions() as session:
            row = await _visible(session, broadcast_id, access, actor)
            return await _figures(session, row) if row is not None else None

    async def listing(self, access: Access = SUPER, author: int | None = None,
                      limit: int = 10) -> list[Figures]:  # fmt: skip
        """The newest broadcasts an admin may see (superadmins: all; others: their own)."""
        query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
        if access.role != "super":
            query = query.where(Broadcast.author_id == author)
        async with self._sessions() as session:
            rows = list(await session.scalars(query))
            return [await _figures(session, r) for r in rows]

    async def active(self) -> list[Figures]:
        """Broadcasts still going out or waiting for their time."""
        async with self._sessions() as session:
            rows = list(await session.scalars(
                select(Broadcast).where(Broadcast.status.in_(ACTIVE)).order_by(Broadcast.id)
            ))  # fmt: skip
            return [await _figures(session, r) for r in rows]

    @retry_on_lock
    async def mark(self, broadcast_id: int, status: str, message_id: int | None = None) -> None:
        """Move a broadcast to ``status`` (sending, done); remember its progress message."""
        async with self._sessions() as session, session.begin():
            row = await session.get(Broadcast, broadcast_id)
            if row is None:
                return
            if row.status in ACTIVE:
                row.status = status
                if status == "done":
                    row.finished_at = self._clock()
            if message_id is not None:
                row.progress_message_id = message_id

    async def acks_by_unit(self, broadcast_id: int) -> list[UnitAcks]:
        """Per unit: how many got the broadcast (or its re-sends) and how many acknowledged."""
        async with self._sessions() as session:
            row = await session.get(Broadcast, broadcast_id)
            if row is None:
                return []
            root = row.parent_id or row.id
            family = select(Broadcast.id).where(or_(Broadcast.id == root,
                                                    Broadcast.parent_id == root))  # fmt: skip
            got = (
                select(OutboxMessage.chat_id.label("user_id"))
                .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id.in_(family),
                       OutboxMessage.state == "sent")
                .distinct().subquery()
            )  # fmt: skip
            acked = select(BroadcastAck.user_id).where(BroadcastAck.broadcast_id == root)
            rows = await session.execute(
                select(Unit.code, func.count(),
                       func.count().filter(got.c.user_id.in_(acked)))
                .select_from(got)
                .join(TelegramLink, TelegramLink.user_id == got.c.user_id)
                .join(Employee, Employee.id == TelegramLink.employee_id)
                .join(Unit, Unit.id == Employee.unit_id)
                .group_by(Unit.code).order_by(Unit.code)
            )  # fmt: skip
            return [UnitAcks(code, int(n), int(a)) for code, n, a in rows]

    async def recipients_rows(self, broadcast_id: int) -> list[tuple[Any, ...]]:
        """Per recipient: NIP, name, unit, state, sent at, error, acknowledged at."""
        async with self._sessions() as session:
            row = await session.get(Broadcast, broadcast_id)
            if row is None:
                return []
            root = row.parent_id or row.id
            ack = (
                select(BroadcastAck.user_id, BroadcastAck.at)
                .where(BroadcastAck.broadcast_id == root)
                .subquery()
            )
            rows = await session.execute(
                select(Employee.nip, Employee.name, Unit.code, OutboxMessage.state,
                       OutboxMessage.sent_at, OutboxMessage.error, ack.c.at)
                .select_from(OutboxMessage)
                .outerjoin(TelegramLink, TelegramLink.user_id == OutboxMessage.chat_id)
                .outerjoin(Employee, Employee.id == TelegramLink.employee_id)
                .outerjoin(Unit, Unit.id == Employee.unit_id)
                .outerjoin(ack, ack.c.user_id == OutboxMessage.chat_id)
                .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id == broadcast_id)
                .order_by(Unit.code, Employee.name)
            )  # fmt: skip
            return [tuple(r) for r in rows]


async def _queue(
    session: AsyncSession, broadcast_id: int, people: Any, due: datetime, now: datetime
) -> int:
    """One pending outbox row per person, in one INSERT … SELECT; how many were queued."""
    rows = people.subquery()
    chat = rows.c[0]
    source = select(chat, literal(KIND), literal(broadcast_id), literal("pending"),
                    literal(due), literal(0), literal(now))  # fmt: skip
    columns = ["chat_id", "kind", "ref_id", "state", "not_before", "attempts", "created_at"]
    await session.execute(insert(OutboxMessage).from_select(columns, source))
    queued = await session.scalar(
        select(func.count()).select_from(OutboxMessage)
        .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id == broadcast_id)
    )  # fmt: skip
    return int(queued or 0)


async def _analyze_if_large(sessions: SessionFactory, rows: int) -> None:
    """Fresh planner statistics after a big queue (PostgreSQL otherwise guesses badly)."""
    if rows >= 10_000:
        async with sessions() as session, session.begin():
            await repo.analyze(session, "outbox")


async def _visible(
    session: AsyncSession, broadcast_id: int, access: Access, actor: int | None
) -> Broadcast | None:
    """The broadcast, if this admin may act on it (superadmins: any; others: their own)."""
    row = await session.get(Broadcast, broadcast_id)
    if row is None or (access.role != "super" and row.author_id != actor):
        return None
    return row


async def _figures(session: AsyncSession, row: Broadcast) -> Figures:
    counts = dict((await session.execute(
        select(OutboxMessage.state, func.count())
        .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id == row.id)
        .group_by(OutboxMessage.state)
    )).all())  # fmt: skip
    acknowledged = 0
    if row.ack:
        acknowledged = int(await session.scalar(
            select(func.count()).select_from(BroadcastAck)
            .where(BroadcastAck.broadcast_id == (row.parent_id or row.id))
        ) or 0)  # fmt: skip
    return Figures(row.id, row.status, row.recipients, row.send_at, row.created_at,
                   Audience.of_json(row.audience), row.ack, row.author_id, row.text,
                   row.parent_id, {k: int(v) for k, v in counts.items()}, acknowledged,
                   row.progress_chat_id, row.progress_message_id, row.finished_at)  # fmt: skip
