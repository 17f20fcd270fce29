"""The audit log: every admin action, who did it and when; read by superadmins (/audit, XLSX)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.career.nip import mask
from db.models import AuditEntry
from db.retry import retry_on_lock
from db.session import SessionFactory

DETAIL_LENGTH = 200
COLUMNS = ("id", "time", "actor", "action", "employee", "detail")
_NIP = re.compile(r"\b\d{18}\b")


@dataclass(frozen=True)
class Entry:
    id: int
    at: datetime
    actor_id: int | None
    action: str
    employee_id: int | None
    detail: str


def masked(text: str) -> str:
    """The text with every NIP in it masked, cut to the column's length."""
    return _NIP.sub(lambda m: mask(m.group(0)), text)[:DETAIL_LENGTH]


class AuditLog:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @retry_on_lock
    async def record(
        self, actor: int | None, action: str, detail: str = "", employee_id: int | None = None
    ) -> None:
        """Write one entry (NIPs in the detail are masked)."""
        async with self._sessions() as session, session.begin():
            session.add(AuditEntry(actor_id=actor, action=action[:40], detail=masked(detail),
                                   employee_id=employee_id))  # fmt: skip

    async def recent(self, limit: int | None = 20) -> tuple[list[Entry], int]:
        """The newest entries first, and how many there are in all."""
        async with self._sessions() as session:
            query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            rows = await session.scalars(query.limit(limit) if limit else query)
            total = await session.scalar(select(func.count()).select_from(AuditEntry))
            entries = [Entry(r.id, r.at, r.actor_id, r.action, r.employee_id, r.detail)
                       for r in rows]  # fmt: skip
        return entries, int(total or 0)


def workbook(
    entries: list[Entry], header: Sequence[str], local: Callable[[datetime], str]
) -> bytes:
    """The entries as an XLSX sheet, every cell formula-safe; ``local`` turns a UTC time into
    the text shown (the bot's time zone)."""
    from io import BytesIO

    from openpyxl import Workbook

    from bot.hr.spreadsheets import formula_safe

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([formula_safe(h) for h in header])
    for e in entries:
        sheet.append([e.id, formula_safe(local(e.at)), e.actor_id, formula_safe(e.action),
                      e.employee_id, formula_safe(e.detail)])  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()
