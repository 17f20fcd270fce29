"""The outbox table: queue a message once, claim a batch for one sender, record the outcome.

A claim is a conditional UPDATE carrying a random token (rows locked with SKIP LOCKED on
PostgreSQL), so two processes never claim one row. A claimed row whose sender died is claimable
again once its claim expires: only a message sent but not yet marked can go out twice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import repositories as repo
from db.models import Lease, OutboxMessage, User
from db.retry import retry_on_lock
from db.session import SessionFactory

# A sender that has not marked its claimed rows by then is taken for dead (a batch of 25 takes
# about a second; a 429 pause is capped at PAUSE_LIMIT in the sender).
CLAIM_SECONDS = 45
MAX_ATTEMPTS = 5
FINAL = ("sent", "failed", "unreachable", "cancelled")
LEASE = "outbox"  # the name of the sender's lease


@dataclass(frozen=True)
class Item:
    id: int
    chat_id: int
    kind: str
    ref_id: int
    attempts: int


def new_token() -> str:
    return secrets.token_hex(8)


async def enqueue(
    session: AsyncSession, chat_id: int, kind: str, ref_id: int, now: datetime
) -> None:
    """Queue one message (a second call for the same kind, reference and chat does nothing)."""
    await repo.insert_ignore(session, OutboxMessage, {
        "chat_id": chat_id, "kind": kind, "ref_id": ref_id, "not_before": now,
        "state": "pending", "attempts": 0, "created_at": now,
    })  # fmt: skip


def _claimable_by_id(now: datetime) -> ColumnElement[bool]:
    """The claim condition again, in a form that leaves the rows to the primary key."""
    state = repo.unindexed(OutboxMessage.state)
    return or_(
        (state == "pending") & (OutboxMessage.not_before <= now),
        (state == "sending") & (OutboxMessage.claimed_until < now),
    )


class Outbox:
    def __init__(self, sessions: SessionFactory, claim_seconds: int = CLAIM_SECONDS) -> None:
        self._sessions = sessions
        self.claim_seconds = claim_seconds

    @retry_on_lock
    async def hold_lease(self, name: str, holder: str, now: datetime, seconds: float) -> bool:
        """Take or extend the lease ``name`` unless another holder's lease is still running."""
        until = now + timedelta(seconds=seconds)
        async with self._sessions() as session, session.begin():
            await repo.insert_ignore(
                session, Lease, {"name": name, "holder": holder, "until": until}
            )
            taken = await session.execute(
                update(Lease)
                .where(Lease.name == name, or_(Lease.holder == holder, Lease.until < now))
                .values(holder=holder, until=until)
            )
            return repo.rowcount(taken) == 1

    @retry_on_lock
    async def release(self, name: str, holder: str, now: datetime) -> None:
        """Give the lease up at once, so another process need not wait for it to run out."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(Lease).where(Lease.name == name, Lease.holder == holder)
                .values(until=now - timedelta(seconds=1))
            )  # fmt: skip

    @retry_on_lock
    async def claim(
        self, token: str, now: datetime, limit: int, chat_id: int | None = None
    ) -> list[Item]:
        """Up to ``limit`` due rows (of one chat, if given), oldest first, now held by
        ``token``."""
        claimable = or_(
            (OutboxMessage.state == "pending") & (OutboxMessage.not_before <= now),
            (OutboxMessage.state == "sending") & (OutboxMessage.claimed_until < now),
        )
        if chat_id is not None:
            claimable = claimable & (OutboxMessage.chat_id == chat_id)
        async with self._sessions() as session, session.begin():
            ids = list(await session.scalars(
                select(OutboxMessage.id).where(claimable).order_by(OutboxMessage.id)
                .limit(limit).with_for_update(skip_locked=True)
            ))  # fmt: skip
            if not ids:
                return []
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), _claimable_by_id(now))
                .values(state="sending", claim=token,
                        claimed_until=now + timedelta(seconds=self.claim_seconds))
            )  # fmt: skip
            rows = await session.execute(
                select(OutboxMessage.id, OutboxMessage.chat_id, OutboxMessage.kind,
                       OutboxMessage.ref_id, OutboxMessage.attempts)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.claim == token,
                       OutboxMessage.state == "sending")
                .order_by(OutboxMessage.id)  # only this claim's rows, not those in flight
            )  # fmt: skip
            return [Item(*row) for row in rows]

    @retry_on_lock
    async def finish(
        self, item: Item, token: str, state: str, now: datetime, error: str | None = None
    ) -> None:
        """Record a final outcome: sent, failed, unreachable or cancelled."""
        assert state in FINAL
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id, OutboxMessage.claim == token)
                .values(state=state, sent_at=now if state == "sent" else None, error=error,
                        claimed_until=None)
            )  # fmt: skip
            if state == "unreachable":
                await session.execute(
                    update(User).where(User.id == item.chat_id).values(is_blocked=True)
                )

    @retry_on_lock
    async def later(
        self, item: Item, token: str, not_before: datetime, error: str, counts: bool = True
    ) -> None:
        """Back to the queue until ``not_before``; after MAX_ATTEMPTS failures, failed."""
        attempts = item.attempts + (1 if counts else 0)
        state = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == item.id, OutboxMessage.claim == token)
                .values(state=state, attempts=attempts, not_before=not_before, error=error,
                        claimed_until=None)
            )  # fmt: skip

    @retry_on_lock
    async def release_claims(self, token: str) -> None:
        """Rows claimed but not tried (the sender stopped early) go back to the queue."""
        async with self._sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.claim == token, OutboxMessage.state == "sending")
                .values(state="pending", claimed_until=None)
            )

    async def backlog(self, now: datetime) -> tuple[int, datetime | None, datetime | None]:
        """Messages due and not sent (claims of dead senders included), the oldest one's due
        time, and until when a sender holds the lease (None: no sender ever ran)."""
        async with self._sessions() as session:
            due = (await session.execute(
                select(func.count(), func.min(OutboxMessage.not_before))
                .where(_claimable_by_id(now))
            )).one()  # fmt: skip
            until = await session.scalar(select(Lease.until).where(Lease.name == LEASE))
        return int(due[0]), due[1], until

    async def counts(self) -> dict[str, int]:
        """Rows per state."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
            )
            return {state: int(n) for state, n in rows}
