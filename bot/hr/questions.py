"""The queue of questions for HR: list, answer, deliver, and turn into a draft entry."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import SUPER, Access
from bot.career import catalog
from bot.outbox.store import enqueue
from db.base import utcnow
from db.models import AdminRole, AuditEntry, Employee, HrQuestion, TelegramLink, Unit
from db.repositories import rowcount
from db.retry import retry_on_lock
from db.session import SessionFactory

MAX_DELIVERY_ATTEMPTS = 5


# Why HR may close a question without answering it; the asker is told which, politely.
CLOSE_REASONS = ("spam", "duplicate", "entry")
PROVINCE = "PROV"  # the queue of questions from people who are not linked
NEW_QUESTION = "hrq_new"  # outbox kinds: the admins' notice, the asker's notices
CLOSED = "hrq_closed"
MOVED = "hrq_moved"


@dataclass(frozen=True)
class Question:
    id: int
    user_id: int
    text: str
    language: str
    status: str
    created_at: datetime
    answer: str | None
    region_code: str | None = None
    unit_id: int | None = None
    close_reason: str | None = None
    linked: bool = False  # the asker's account is linked to an NIP (now)
    unit: str | None = None  # the asker's unit and government, when linked
    region: str | None = None


def _plain(row: HrQuestion, *asker: Any) -> Question:
    return Question(
        row.id, row.user_id, row.text, row.language, row.status, row.created_at, row.answer,
        row.region_code, row.unit_id, row.close_reason, *asker,
    )  # fmt: skip


def visible(access: Access) -> ColumnElement[bool]:
    """The questions in the queues an admin's role holds: a government's admins hold its queue,
    a unit's admins the questions of their unit's linked staff."""
    if access.role == "super":
        return true()
    if access.role == "gov":
        return HrQuestion.region_code == access.region_code
    return HrQuestion.unit_id == access.unit_id


async def routing(session: AsyncSession, user_id: int) -> tuple[str, int | None]:
    """The queue of a new question: the linked asker's government and unit, else the
    province's."""
    row = (await session.execute(
        select(Unit.id, Unit.region)
        .join(Employee, Employee.unit_id == Unit.id)
        .join(TelegramLink, TelegramLink.employee_id == Employee.id)
        .where(TelegramLink.user_id == user_id)
    )).first()  # fmt: skip
    if row is None:
        return PROVINCE, None
    return catalog.region_codes().get(row.region, PROVINCE), row.id


async def admins_reaching(
    session: AsyncSession, region_code: str | None, unit_ids: list[int | None],
    fallback: frozenset[int],
) -> list[int]:  # fmt: skip
    """The admins whose role covers a government or these units; the superadmins when no one
    does (so nothing waits unseen)."""
    units = [u for u in unit_ids if u is not None]
    regions = {region_code} if region_code else set()
    if units:
        names = await session.scalars(select(Unit.region).where(Unit.id.in_(units)))
        regions |= {catalog.region_codes().get(n, "") for n in names}
    found = await session.scalars(
        select(AdminRole.user_id).where(or_(
            (AdminRole.role == "gov") & AdminRole.region_code.in_(sorted(regions)),
            (AdminRole.role == "unit") & AdminRole.unit_id.in_(units),
        ))
    )  # fmt: skip
    return sorted(set(found)) or sorted(fallback)


async def file_question(
    session: AsyncSession, user_id: int, text: str, language: str, now: datetime,
    superadmins: frozenset[int],
) -> HrQuestion:  # fmt: skip
    """Queue a question where it belongs and tell the admins who hold that queue."""
    region_code, unit_id = await routing(session, user_id)
    row = HrQuestion(user_id=user_id, text=text, language=language, region_code=region_code,
                     unit_id=unit_id, created_at=now)  # fmt: skip
    session.add(row)
    await session.flush()
    for admin in await admins_reaching(session, region_code, [unit_id], superadmins):
        await enqueue(session, admin, NEW_QUESTION, row.id, now)
    return row


class HrQueue:
    def __init__(
        self, sessions: SessionFactory, superadmins: Callable[[], frozenset[int]] = frozenset
    ) -> None:
        self._sessions = sessions
        self._superadmins = superadmins

    @retry_on_lock
    async def add(self, user_id: int, text: str, language: str) -> int:
        """Queue a question typed by the user; its number."""
        async with self._sessions() as session, session.begin():
            row = await file_question(session, user_id, text, language, utcnow(),
                                      self._superadmins())  # fmt: skip
            return row.id

    async def open_questions(
        self, access: Access = SUPER, limit: int = 10
    ) -> tuple[list[Question], int]:
        """The oldest open questions in the admin's queues and how many are open there."""
        where = (HrQuestion.status == "open", visible(access))
        async with self._sessions() as session:
            rows = await session.execute(
                _with_asker().where(*where).order_by(HrQuestion.created_at, HrQuestion.id)
                .limit(limit)
            )  # fmt: skip
            total = await session.scalar(
                select(func.count()).select_from(HrQuestion).where(*where)
            )
            return [_plain(*r) for r in rows], int(total or 0)

    async def get(self, question_id: int, access: Access = SUPER) -> Question | None:
        """The question, when it is in one of the admin's queues."""
        async with self._sessions() as session:
            row = (await session.execute(
                _with_asker().where(HrQuestion.id == question_id, visible(access))
            )).first()  # fmt: skip
            return _plain(*row) if row else None

    @retry_on_lock
    async def answer(
        self, question_id: int, admin_id: int, text: str, access: Access = SUPER
    ) -> Question | None:
        """Record the answer of an open question; None when it is not open (any more) or not
        in the admin's queues."""
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(
                update(HrQuestion)
                .where(HrQuestion.id == question_id, HrQuestion.status == "open", visible(access))
                .values(status="answered", answer=text, answered_by=admin_id,
                        answered_at=utcnow())
            )  # fmt: skip
            if rowcount(claimed) != 1:
                return None  # not open, or another admin answered it a moment ago
            row = await session.get(HrQuestion, question_id)
            assert row is not None
            return _plain(row)

    @retry_on_lock
    async def close(
        self, question_id: int, reason: str, admin_id: int, access: Access = SUPER
    ) -> Question | None:
        """Close an open question without an answer; the asker is told why (through the
        outbox). None when it is not open or not in the admin's queues."""
        assert reason in CLOSE_REASONS
        now = utcnow()
        async with self._sessions() as session, session.begin():
            closed = await session.execute(
                update(HrQuestion)
                .where(HrQuestion.id == question_id, HrQuestion.status == "open", visible(access))
                .values(status="closed", close_reason=reason, answered_by=admin_id,
                        answered_at=now)
            )  # fmt: skip
            if rowcount(closed) != 1:
                return None
            row = await session.get(HrQuestion, question_id)
            assert row is not None
            await enqueue(session, row.user_id, CLOSED, row.id, now)
            session.add(AuditEntry(actor_id=admin_id, action="question_close",
                                   detail=f"question {question_id}: {reason}"))  # fmt: skip
            return _plain(row)

    @retry_on_lock
    async def reassign(
        self, question_id: int, region_code: str, admin_id: int, access: Access = SUPER
    ) -> Question | None:
        """Pass an open question to another government's queue (its unit no longer holds it);
        that queue's admins and the asker are told. None when not open or not reachable."""
        if region_code not in catalog.region_codes().values():
            return None
        now = utcnow()
        async with self._sessions() as session, session.begin():
            moved = await session.execute(
                update(HrQuestion)
                .where(HrQuestion.id == question_id, HrQuestion.status == "open", visible(access),
                       HrQuestion.region_code != region_code)
                .values(region_code=region_code, unit_id=None)
            )  # fmt: skip
            if rowcount(moved) != 1:
                return None
            row = await session.get(HrQuestion, question_id)
            assert row is not None
            for admin in await admins_reaching(session, region_code, [], self._superadmins()):
                if admin != admin_id:
                    await enqueue(session, admin, NEW_QUESTION, row.id, now)
            await enqueue(session, row.user_id, MOVED, row.id, now)
            session.add(AuditEntry(actor_id=admin_id, action="question_reassign",
                                   detail=f"question {question_id} to {region_code}"))  # fmt: skip
            return _plain(row)

    @retry_on_lock
    async def mark_delivered(self, question_id: int) -> None:
        async with self._sessions() as session, session.begin():
            row = await session.get(HrQuestion, question_id)
            if row is not None:
                row.delivered_at = utcnow()

    @retry_on_lock
    async def mark_failed(self, question_id: int, permanent: bool) -> None:
        """Count a failed delivery; a permanent failure is not retried."""
        async with self._sessions() as session, session.begin():
            row = await session.get(HrQuestion, question_id)
            if row is not None:
                row.delivery_attempts = (
                    MAX_DELIVERY_ATTEMPTS if permanent else row.delivery_attempts + 1
                )

    async def undelivered(self) -> list[Question]:
        """Answered questions whose answer has not reached the asker yet (retried by the sweep)."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(HrQuestion).where(
                    HrQuestion.status == "answered",
                    HrQuestion.delivered_at.is_(None),
                    HrQuestion.delivery_attempts < MAX_DELIVERY_ATTEMPTS,
                )
            )
            return [_plain(r) for r in rows]


def write_draft(question: Question, drafts_dir: Path) -> Path:
    """A draft knowledge entry from an answered question, for HR to complete and move to kb/."""
    drafts_dir.mkdir(parents=True, exist_ok=True)
    path = drafts_dir / f"pertanyaan-{question.id}.toml"  # named so /hapus_data finds it
    path.write_text(_draft_toml(question), encoding="utf-8")
    return path


def delete_drafts(question_ids: list[int], drafts_dir: Path) -> None:
    """Remove the drafts made from these questions (their asker deleted their chat data)."""
    for number in question_ids:
        (drafts_dir / f"pertanyaan-{number}.toml").unlink(missing_ok=True)


def _with_asker() -> Any:
    """Questions with whether their asker is linked now, and the asker's unit and government."""
    return (
        select(HrQuestion, TelegramLink.user_id.is_not(None), Unit.name, Unit.region)
        .outerjoin(TelegramLink, TelegramLink.user_id == HrQuestion.user_id)
        .outerjoin(Employee, Employee.id == TelegramLink.employee_id)
        .outerjoin(Unit, Unit.id == Employee.unit_id)
    )


def _draft_toml(q: Question) -> str:
    text, answer = _toml_string(q.text), _toml_string(q.answer or "")
    slug = "-".join(re.sub(r"[^a-z0-9 ]", " ", q.text.lower()).split()[:5]) or f"q{q.id}"
    return f"""# Draft from question {q.id}. Complete every field, then move it into content/kb/.
[[entry]]
id = "{slug}"
topic = ""
title_id = ""
title_en = ""
questions_id = [{text}]
informal_id = []
questions_en = []
answer_id = {answer}
answer_en = ""
sources = []
effective = ""
related = []
keywords = []
confidence = "likely"
"""


def _toml_string(value: str) -> str:
    # A JSON string is also a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)
