"""What HR sees of readiness: per unit counts, barriers and reasons (never for fewer than
K_ANONYMITY answers, so nobody can be singled out), check-ins, and a per-person workbook."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from bot.access import SUPER, Access
from bot.hr.spreadsheets import formula_safe
from bot.rotation.guide import BLOCKS
from bot.rotation.readiness import REASONS, STATUSES
from db.models import (
    AuditEntry,
    CheckinAnswer,
    Employee,
    OutboxMessage,
    ReadinessAnswer,
    Rotation,
    TelegramLink,
    Unit,
)
from db.session import SessionFactory

K_ANONYMITY = 5  # fewer answers than this: no breakdown by barrier or reason
NO_ANSWER = "none"


@dataclass
class Group:
    """One unit's (or the whole selection's) figures."""

    name: str
    people: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    barriers: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    mentors: int = 0
    unreachable: int = 0  # blocked the bot: reminders cannot reach them

    @property
    def answered(self) -> int:
        return sum(n for s, n in self.statuses.items() if s != NO_ANSWER)

    @property
    def breakdown_allowed(self) -> bool:
        return self.answered >= K_ANONYMITY


@dataclass(frozen=True)
class Summary:
    cohort: str | None
    total: Group
    units: list[Group]
    checkins: dict[int, Counter[str]]  # days after the TMT -> answers
    cohorts: list[str]


@dataclass(frozen=True)
class PersonRow:
    cohort: str
    nip: str
    name: str
    from_unit: str
    to_unit: str
    to_position: str
    tmt: date
    status: str | None
    barrier: str | None
    reason: str | None
    note: str | None
    mentor: bool
    answered_at: datetime | None
    checkins: dict[int, str]
    unreachable: bool


class ReadinessReport:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def cohorts(self, access: Access = SUPER) -> list[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Rotation.cohort)
                .where(Rotation.status == "planned", access.rotations()).distinct()
                .order_by(Rotation.cohort)
            )  # fmt: skip
            return list(rows)

    async def people(self, cohort: str | None = None, access: Access = SUPER) -> list[PersonRow]:
        """Every planned rotation within reach with its latest answer and check-ins (HR admins
        only)."""
        newest = select(func.max(ReadinessAnswer.id)).group_by(ReadinessAnswer.rotation_id)
        target, source = Unit.__table__.alias("target"), Unit.__table__.alias("source")
        query = (
            select(
                Rotation,
                Employee.nip,
                Employee.name,
                target.c.name,
                source.c.name,
                ReadinessAnswer,
            )
            .join(Employee, Employee.id == Rotation.employee_id)
            .join(target, target.c.id == Rotation.to_unit_id)
            .outerjoin(source, source.c.id == Rotation.from_unit_id)
            .outerjoin(
                ReadinessAnswer,
                (ReadinessAnswer.rotation_id == Rotation.id) & ReadinessAnswer.id.in_(newest),
            )
            .where(Rotation.status == "planned", access.rotations())
            .order_by(Rotation.cohort, target.c.name, Employee.name)
        )
        if cohort:
            query = query.where(Rotation.cohort == cohort)
        async with self._sessions() as session:
            rows = (await session.execute(query)).all()
            checkins = await _checkins(session, [r[0].id for r in rows])
            blocked = await _unreachable(session)
        found = []
        for rotation, nip, name, to_unit, from_unit, answer in rows:
            found.append(PersonRow(
                rotation.cohort, nip, name, from_unit or "", to_unit, rotation.to_position_name,
                rotation.tmt, answer.status if answer else None,
                answer.barrier if answer else None, answer.reason if answer else None,
                answer.note if answer else None, bool(answer and answer.mentor_requested),
                answer.answered_at if answer else None, checkins.get(rotation.id, {}),
                rotation.employee_id in blocked,
            ))  # fmt: skip
        return found

    async def export_rows(
        self, cohort: str | None, actor: int | None, access: Access = SUPER
    ) -> list[PersonRow]:
        """The per-person rows for an export; who exported what goes to the audit log."""
        rows = await self.people(cohort, access)
        async with self._sessions() as session, session.begin():
            detail = f"{len(rows)} people, cohort {cohort or '*'}"[:200]
            session.add(AuditEntry(actor_id=actor, action="readiness_export", detail=detail))
        return rows

    async def summary(self, cohort: str | None = None, access: Access = SUPER) -> Summary:
        people = await self.people(cohort, access)
        total, units = Group("*"), dict[str, Group]()
        for person in people:
            group = units.setdefault(person.to_unit, Group(person.to_unit))
            for g in (total, group):
                _count(g, person)
        checkins: dict[int, Counter[str]] = {}
        for person in people:
            for days, value in person.checkins.items():
                checkins.setdefault(days, Counter())[value] += 1
        ordered = sorted(units.values(), key=lambda g: (-g.people, g.name))
        return Summary(cohort, total, ordered, checkins, await self.cohorts(access))


def _count(group: Group, person: PersonRow) -> None:
    group.people += 1
    group.statuses[person.status or NO_ANSWER] += 1
    if person.barrier:
        group.barriers[person.barrier] += 1
    if person.reason:
        group.reasons[person.reason] += 1
    group.mentors += person.mentor
    group.unreachable += person.unreachable


async def _checkins(session: Any, rotation_ids: list[int]) -> dict[int, dict[int, str]]:
    """The latest check-in answer per rotation and offset."""
    found: dict[int, dict[int, str]] = {}
    for start in range(0, len(rotation_ids), 500):
        chunk = rotation_ids[start : start + 500]
        rows = await session.execute(
            select(CheckinAnswer.rotation_id, CheckinAnswer.offset_days, CheckinAnswer.answer)
            .where(CheckinAnswer.rotation_id.in_(chunk)).order_by(CheckinAnswer.id)
        )  # fmt: skip
        for rotation_id, days, answer in rows:
            found.setdefault(rotation_id, {})[days] = answer
    return found


async def _unreachable(session: Any) -> set[int]:
    """Employees whose reminders Telegram refused (they blocked the bot)."""
    rows = await session.scalars(
        select(TelegramLink.employee_id)
        .join(OutboxMessage, OutboxMessage.chat_id == TelegramLink.user_id)
        .where(OutboxMessage.state == "unreachable")
    )
    return set(rows)


def workbook(rows: list[PersonRow], summary: Summary, labels: dict[str, str],
             mask_nip: Any = None) -> bytes:  # fmt: skip
    """The per-person sheet and the per-unit summary as XLSX, every cell formula-safe.

    ``labels`` translates the header and the coded values; ``mask_nip`` hides NIPs when given.
    """
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = labels["sheet_people"]
    days = sorted({d for r in rows for d in r.checkins})
    header = [labels[k] for k in ("cohort", "nip", "name", "from_unit", "to_unit", "to_position",
                                  "tmt", "status", "barrier", "reason", "note", "mentor",
                                  "answered_at", "unreachable")]  # fmt: skip
    sheet.append([formula_safe(h) for h in header + [f"check-in +{d}" for d in days]])
    for r in rows:
        values: list[object] = [
            r.cohort, mask_nip(r.nip) if mask_nip else r.nip, r.name, r.from_unit, r.to_unit,
            r.to_position, r.tmt, labels.get(f"status_{r.status}", "") if r.status else "",
            labels.get(f"block_{r.barrier}", "") if r.barrier else "",
            labels.get(f"reason_{r.reason}", "") if r.reason else "", r.note or "",
            labels["yes"] if r.mentor else "",
            r.answered_at.replace(tzinfo=None) if r.answered_at else "",
            labels["yes"] if r.unreachable else "",
        ]  # fmt: skip
        values += [labels.get(f"checkin_{r.checkins.get(d)}", "") for d in days]
        sheet.append([formula_safe(v) for v in values])
    _summary_sheet(book, summary, labels)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _summary_sheet(book: Any, summary: Summary, labels: dict[str, str]) -> None:
    sheet = book.create_sheet(labels["sheet_units"])
    statuses = [*STATUSES, NO_ANSWER]
    sheet.append([formula_safe(labels["to_unit"]), labels["people"]]
                 + [labels[f"status_{s}"] for s in statuses]
                 + [labels[f"block_{b}"] for b in BLOCKS]
                 + [labels[f"reason_{r}"] for r in REASONS])  # fmt: skip
    for group in [*summary.units, summary.total]:
        name = labels["all_units"] if group is summary.total else group.name
        shown = group.breakdown_allowed
        sheet.append([formula_safe(name), group.people]
                     + [group.statuses.get(s, 0) for s in statuses]
                     + [group.barriers.get(b, 0) if shown else "" for b in BLOCKS]
                     + [group.reasons.get(r, 0) if shown else "" for r in REASONS])  # fmt: skip
