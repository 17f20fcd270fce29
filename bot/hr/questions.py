"""The queue of questions for HR: list, answer, deliver, and turn into a draft entry."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select, update

from db.base import utcnow
from db.models import HrQuestion
from db.repositories import rowcount
from db.retry import retry_on_lock
from db.session import SessionFactory

MAX_DELIVERY_ATTEMPTS = 5


@dataclass(frozen=True)
class Question:
    id: int
    user_id: int
    text: str
    language: str
    status: str
    created_at: datetime
    answer: str | None


def _plain(row: HrQuestion) -> Question:
    return Question(
        row.id, row.user_id, row.text, row.language, row.status, row.created_at, row.answer
    )


class HrQueue:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @retry_on_lock
    async def add(self, user_id: int, text: str, language: str) -> int:
        """Queue a question typed by the user; its number."""
        async with self._sessions() as session, session.begin():
            row = HrQuestion(user_id=user_id, text=text, language=language)
            session.add(row)
            await session.flush()
            return row.id

    async def open_questions(self, limit: int = 10) -> tuple[list[Question], int]:
        """The oldest open questions and how many are open in all."""
        async with self._sessions() as session:
            rows = await session.scalars(
                select(HrQuestion)
                .where(HrQuestion.status == "open")
                .order_by(HrQuestion.created_at, HrQuestion.id)
                .limit(limit)
            )
            total = await session.scalar(
                select(func.count()).select_from(HrQuestion).where(HrQuestion.status == "open")
            )
            return [_plain(r) for r in rows], int(total or 0)

    async def get(self, question_id: int) -> Question | None:
        async with self._sessions() as session:
            row = await session.get(HrQuestion, question_id)
            return _plain(row) if row else None

    @retry_on_lock
    async def answer(self, question_id: int, admin_id: int, text: str) -> Question | None:
        """Record the answer of an open question; None when it is not open (any more)."""
        async with self._sessions() as session, session.begin():
            claimed = await session.execute(
                update(HrQuestion)
                .where(HrQuestion.id == question_id, HrQuestion.status == "open")
                .values(status="answered", answer=text, answered_by=admin_id,
                        answered_at=utcnow())
            )  # fmt: skip
            if rowcount(claimed) != 1:
                return None  # not open, or another admin answered it a moment ago
            row = await session.get(HrQuestion, question_id)
            assert row is not None
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
