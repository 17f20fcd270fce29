"""Rotation plans: written from HR's file, listed per cohort, a TMT moved, a rotation cancelled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import SUPER, Access
from bot.career import catalog
from bot.rotation import schedule
from bot.rotation.schedule import Planner
from db import repositories as repo
from db.base import utcnow
from db.models import (
    AuditEntry,
    Employee,
    ReadinessAnswer,
    Rotation,
    RotationMessage,
    TelegramLink,
)
from db.retry import retry_on_lock
from db.session import SessionFactory

BULK = 1_000  # rotations written at once from which the database statistics are refreshed


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    cancelled: int
    unknown: tuple[str, ...] = ()  # NIPs no employee has: nothing was written


async def write_rows(
    session: AsyncSession, rows: Sequence[dict[str, Any]], planner: Planner, now: datetime
) -> Written:
    """Insert or update the file's rotations; a cohort's rows missing from the file are
    cancelled (the file is the cohort's plan). New or moved TMTs are (re)planned."""
    ids = await repo.nip_ids(session, sorted({r["nip"] for r in rows}))
    unknown = tuple(sorted({r["nip"] for r in rows} - ids.keys()))
    if unknown:
        return Written(0, 0, 0, unknown)
    units = await repo.upsert_units(session, ((u.code, u.name, u.region) for u in catalog.units()))
    current = await _current_posts(session, list(ids.values()))
    cohorts = sorted({r["cohort"] for r in rows})
    existing = {
        (r.cohort, r.employee_id): r
        for r in await session.scalars(select(Rotation).where(Rotation.cohort.in_(cohorts)))
    }
    updated, replan, new = 0, [], []
    seen = set()
    for row in rows:
        key = (row["cohort"], ids[row["nip"]])
        seen.add(key)
        values = {
            "to_unit_id": units[row["unit_code"]], "to_position_name": row["position_name"],
            "to_position_type": row["position_type"], "tmt": row["tmt"],
            "to_functional_level": row["functional_level"],
            "sk_number": row["sk_number"] or None, "reason": row["reason"] or None,
        }  # fmt: skip
        rotation = existing.get(key)
        if rotation is None:
            unit_id, position = current[key[1]]
            new.append({"cohort": key[0], "employee_id": key[1], "from_unit_id": unit_id,
                        "from_position_name": position, "status": "planned",
                        "created_at": now, "updated_at": now, **values})  # fmt: skip
            continue
        moved = rotation.tmt != row["tmt"] or rotation.status != "planned"
        if moved or any(getattr(rotation, f) != v for f, v in values.items()):
            for field, value in values.items():
                setattr(rotation, field, value)
            rotation.status = "planned"
            updated += 1
            if moved:
                replan.append(rotation)
    await session.flush()
    await schedule.plan(session, planner, [(r.id, r.tmt) for r in replan], now)
    created = await _insert(session, new)
    await schedule.plan(session, planner, created, now, fresh=True)
    gone = [r.id for k, r in existing.items() if k not in seen and r.status == "planned"]
    await _cancel(session, gone)
    if len(new) + updated + len(gone) >= BULK:
        await repo.analyze(session, "rotations", "rotation_messages")
    return Written(len(new), updated, len(gone))


async def _insert(session: AsyncSession, rows: list[dict[str, Any]]) -> list[tuple[int, date]]:
    """New rotations in bulk (Core, not one ORM object each); their (id, TMT)."""
    created: list[tuple[int, date]] = []
    statement = insert(Rotation).returning(Rotation.id, Rotation.tmt)
    for start in range(0, len(rows), repo.CHUNK * 4):
        result = await session.execute(statement, rows[start : start + repo.CHUNK * 4])
        created += [(rotation_id, tmt) for rotation_id, tmt in result]
    return created


async def _current_posts(
    session: AsyncSession, employee_ids: list[int]
) -> dict[int, tuple[int, str]]:
    found: dict[int, tuple[int, str]] = {}
    for start in range(0, len(employee_ids), repo.CHUNK):
        chunk = employee_ids[start : start + repo.CHUNK]
        result = await session.execute(
            select(Employee.id, Employee.unit_id, Employee.position_name).where(
                Employee.id.in_(chunk)
            )
        )
        found.update({e: (u, p) for e, u, p in result})
    return found


async def _cancel(session: AsyncSession, rotation_ids: list[int]) -> None:
    for start in range(0, len(rotation_ids), repo.CHUNK):
        chunk = rotation_ids[start : start + repo.CHUNK]
        await session.execute(
            update(Rotation).where(Rotation.id.in_(chunk)).values(status="cancelled")
        )
    await schedule.cancel(session, rotation_ids)


@dataclass(frozen=True)
class CohortLine:
    cohort: str
    people: int
    cancelled: int
    first_tmt: date
    last_tmt: date
    linked: int
    reminders_sent: int
    ready: int
    support: int
    not_ready: int


@dataclass(frozen=True)
class PlanLine:
    rotation_id: int
    nip: str
    name: str
    unit_code: str
    position: str
    tmt: date
    status: str
    readiness: str | None
    mentor_requested: bool = False


class RotationPlans:
    """HR's view of the plans and the two changes HR makes by hand."""

    def __init__(self, sessions: SessionFactory, planner: Planner) -> None:
        self._sessions = sessions
        self.planner = planner

    async def cohorts(self, access: Access = SUPER) -> list[CohortLine]:
        """Every cohort with its dates, reach and answers (latest answer per person), counting
        the moves within the admin's reach."""
        async with self._sessions() as session:
            people = await session.execute(
                select(
                    Rotation.cohort,
                    func.count().filter(Rotation.status == "planned"),
                    func.count().filter(Rotation.status == "cancelled"),
                    func.min(Rotation.tmt),
                    func.max(Rotation.tmt),
                    func.count(TelegramLink.user_id).filter(Rotation.status == "planned"),
                )
                .outerjoin(TelegramLink, TelegramLink.employee_id == Rotation.employee_id)
                .where(access.rotations())
                .group_by(Rotation.cohort)
                .order_by(func.min(Rotation.tmt), Rotation.cohort)
            )
            sent = dict(
                (await session.execute(
                    select(Rotation.cohort, func.count())
                    .join(RotationMessage, RotationMessage.rotation_id == Rotation.id)
                    .where(RotationMessage.state == "queued",
                           RotationMessage.kind == schedule.REMINDER, access.rotations())
                    .group_by(Rotation.cohort)
                )).all()
            )  # fmt: skip
            answers = await _answer_counts(session, access)
        return [
            CohortLine(c, n, x, first, last, linked, sent.get(c, 0), *answers.get(c, (0, 0, 0)))
            for c, n, x, first, last, linked in people
        ]

    async def members(
        self, cohort: str, actor: int | None, limit: int = 30, access: Access = SUPER
    ) -> tuple[list[PlanLine], int]:
        """The people of one cohort (first ``limit`` by TMT) and how many there are; the
        viewing admin is audited (the list shows each person's readiness answer)."""
        async with self._sessions() as session, session.begin():
            session.add(AuditEntry(actor_id=actor, action="rotation_list",
                                   detail=f"cohort {cohort}"[:200]))  # fmt: skip
            latest = _latest_answer().subquery()
            query = (
                select(
                    Rotation.id,
                    Employee.nip,
                    Employee.name,
                    Rotation.to_unit_id,
                    Rotation.to_position_name,
                    Rotation.tmt,
                    Rotation.status,
                    latest.c.status,
                    latest.c.mentor_requested,
                )
                .join(Employee, Employee.id == Rotation.employee_id)
                .outerjoin(latest, latest.c.rotation_id == Rotation.id)
                .where(Rotation.cohort == cohort, access.rotations())
                .order_by(Rotation.tmt, Employee.name)
            )
            rows = (await session.execute(query.limit(limit))).all()
            total = await session.scalar(
                select(func.count())
                .select_from(Rotation)
                .where(Rotation.cohort == cohort, access.rotations())
            )
            codes = {u.id: u.code for u in await repo.all_units(session)}
        lines = [
            PlanLine(i, nip, name, codes.get(unit, "?"), position, tmt, status, answer,
                     bool(mentor))
            for i, nip, name, unit, position, tmt, status, answer, mentor in rows
        ]  # fmt: skip
        return lines, int(total or 0)

    @retry_on_lock
    async def move(
        self, rotation_id: int, tmt: date, actor: int | None, access: Access = SUPER
    ) -> bool:
        """A new TMT for one planned rotation within reach: its reminders are planned again."""
        async with self._sessions() as session, session.begin():
            rotation = await _reachable(session, rotation_id, access)
            if rotation is None or rotation.status != "planned":
                return False
            if rotation.tmt != tmt:
                rotation.tmt = tmt
                await session.flush()
                await schedule.plan(session, self.planner, [(rotation.id, tmt)], utcnow())
                detail = f"rotation {rotation_id} to {tmt.isoformat()}"
                entry = AuditEntry(
                    actor_id=actor, action="rotation_move", employee_id=rotation.employee_id
                )
                entry.detail = detail
                session.add(entry)
            return True

    @retry_on_lock
    async def cancel(self, rotation_id: int, actor: int | None, access: Access = SUPER) -> bool:
        """Cancel one planned rotation within reach: nothing more is sent for it."""
        async with self._sessions() as session, session.begin():
            rotation = await _reachable(session, rotation_id, access)
            if rotation is None or rotation.status != "planned":
                return False
            await _cancel(session, [rotation_id])
            session.add(AuditEntry(actor_id=actor, action="rotation_cancel",
                                   employee_id=rotation.employee_id,
                                   detail=f"rotation {rotation_id}"))  # fmt: skip
            return True


async def _reachable(session: AsyncSession, rotation_id: int, access: Access) -> Rotation | None:
    """The rotation, if the admin's role reaches it."""
    found = await session.scalar(
        select(Rotation).where(Rotation.id == rotation_id, access.rotations())
    )
    return found


def _latest_answer() -> Any:
    """The latest readiness answer of each rotation (rotation_id, status)."""
    newest = (
        select(func.max(ReadinessAnswer.id).label("id"))
        .group_by(ReadinessAnswer.rotation_id)
        .scalar_subquery()
    )
    return select(
        ReadinessAnswer.rotation_id, ReadinessAnswer.status, ReadinessAnswer.mentor_requested
    ).where(ReadinessAnswer.id.in_(newest))


async def _answer_counts(session: AsyncSession, access: Access) -> dict[str, tuple[int, int, int]]:
    latest = _latest_answer().subquery()
    rows = await session.execute(
        select(
            Rotation.cohort,
            *(
                func.sum(case((latest.c.status == s, 1), else_=0))
                for s in ("ready", "support", "not_ready")
            ),
        )
        .join(latest, latest.c.rotation_id == Rotation.id)
        .where(Rotation.status == "planned", access.rotations())
        .group_by(Rotation.cohort)
    )
    return {c: (int(a or 0), int(b or 0), int(d or 0)) for c, a, b, d in rows}
