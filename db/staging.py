"""Imports that never hold the write lock for long: stage in short transactions, switch at once.

The rows of a checked spreadsheet go into staging tables in batches, each its own transaction,
so other users' writes get their turn between batches. The switch then moves them into the real
tables with set-based statements (INSERT … SELECT, UPDATE … FROM) in one short transaction: the
import still lands whole or not at all. A run killed while staging is never switched; the sweep
deletes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Select, delete, exists, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UtcDateTime, utcnow
from db.models import (
    CompetencyScore,
    DevelopmentHours,
    Employee,
    ImportRun,
    PerformanceRating,
    StagedCompetency,
    StagedEmployee,
    StagedYearly,
    Unit,
)
from db.repositories import conflict_insert, rowcount
from db.session import SessionFactory

BATCH = 2000
STALE_AFTER = timedelta(hours=1)
EMPLOYEE_COLUMNS = (
    "nip", "name", "employment_type", "gender", "birth_date", "position_name", "position_type",
    "functional_level", "grade", "grade_tmt", "position_tmt", "cpns_tmt", "education",
    "contract_end",
)  # fmt: skip


async def new_run(sessions: SessionFactory, kind: str, actor: int | None) -> int:
    async with sessions() as session, session.begin():
        run = ImportRun(kind=kind, actor_id=actor)
        session.add(run)
        await session.flush()
        return run.id


async def stage(
    sessions: SessionFactory, model: type[Any], run_id: int, rows: Iterable[dict[str, Any]]
) -> None:
    """Write rows to a staging table, one short transaction per batch.

    ``rows`` is consumed a batch at a time, so no single step holds the event loop for long.
    """
    pending = iter(rows)
    while batch := [{**row, "run_id": run_id} for row in islice(pending, BATCH)]:
        async with sessions() as session, session.begin():
            await session.execute(insert(model.__table__), batch)  # Core: one executemany
        await asyncio.sleep(0)  # let the rest of the bot run between batches


async def unknown_nips(session: AsyncSession, model: type[Any], run_id: int) -> list[str]:
    """Staged NIPs that no employee has."""
    known = exists().where(Employee.nip == model.nip)
    result = await session.scalars(
        select(model.nip).where(model.run_id == run_id, ~known).distinct().order_by(model.nip)
    )
    return list(result)


async def switch_employees(session: AsyncSession, run_id: int) -> tuple[int, int]:
    """Update the employees the run names, insert the new ones; (inserted, updated).

    Only rows whose values differ are written: a re-import of the same file changes nothing.
    """
    staged = StagedEmployee
    mine = staged.run_id == run_id
    known = exists().where(Employee.nip == staged.nip)
    total = await session.scalar(select(func.count()).select_from(staged).where(mine)) or 0
    new = await session.scalar(select(func.count()).select_from(staged).where(mine, ~known)) or 0
    unit_id = select(Unit.id).where(Unit.code == staged.unit_code).scalar_subquery()
    values = {c: getattr(staged, c) for c in EMPLOYEE_COLUMNS[1:]} | {"unit_id": unit_id}
    changed = or_(*(getattr(Employee, c).is_distinct_from(v) for c, v in values.items()))
    now = literal(utcnow(), UtcDateTime)
    await session.execute(
        update(Employee)
        .where(Employee.nip == staged.nip, mine, changed)
        .values({**values, "updated_at": now})
    )
    columns = [*EMPLOYEE_COLUMNS, "unit_id", "created_at", "updated_at"]
    source = (
        select(*(getattr(staged, c) for c in EMPLOYEE_COLUMNS), Unit.id, now, now)
        .join(Unit, Unit.code == staged.unit_code)
        .where(mine, ~known)
    )
    await session.execute(insert(Employee).from_select(columns, source))
    return int(new), int(total) - int(new)


async def switch_yearly(session: AsyncSession, run_id: int) -> None:
    """Set the (employee, year) SKP predicates and JP hours of the run; unchanged rows stay."""
    for model, value in ((PerformanceRating, "predicate"), (DevelopmentHours, "hours")):
        column = getattr(StagedYearly, value)
        source = (
            select(Employee.id, StagedYearly.year, column)
            .join(Employee, Employee.nip == StagedYearly.nip)
            .where(StagedYearly.run_id == run_id, column.is_not(None))
        )
        await _upsert(session, model, ["employee_id", "year"], value, source)


async def switch_competencies(session: AsyncSession, run_id: int) -> None:
    """Set the (employee, competency) levels the run carries; unchanged rows stay."""
    staged = StagedCompetency
    source = (
        select(Employee.id, staged.competency, staged.level, staged.assessed_on)
        .join(Employee, Employee.nip == staged.nip)
        .where(staged.run_id == run_id)
    )
    await _upsert(
        session, CompetencyScore, ["employee_id", "competency"], ("level", "assessed_on"), source
    )


async def _upsert(
    session: AsyncSession,
    model: type[Any],
    key: list[str],
    value: str | tuple[str, ...],
    source: Select[Any, Any, Any] | Select[Any, Any, Any, Any],
) -> None:
    """INSERT … SELECT … ON CONFLICT (key) DO UPDATE the value columns where they differ."""
    values = (value,) if isinstance(value, str) else value
    statement = conflict_insert(session, model).from_select([*key, *values], source)
    table = model.__table__
    statement = statement.on_conflict_do_update(
        index_elements=key,
        set_={v: statement.excluded[v] for v in values},
        where=or_(*(table.c[v].is_distinct_from(statement.excluded[v]) for v in values)),
    )
    await session.execute(statement)


async def finish(sessions: SessionFactory, run_id: int, status: str) -> None:
    """Mark the run, then drop its staged rows in batches, each a short transaction."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(ImportRun).where(ImportRun.id == run_id).values(status=status)
        )
    for model in (StagedEmployee, StagedYearly, StagedCompetency):
        while True:
            batch = select(model.id).where(model.run_id == run_id).limit(BATCH * 5)
            async with sessions() as session, session.begin():
                gone = await session.execute(delete(model).where(model.id.in_(batch)))
            if rowcount(gone) == 0:
                break
            await asyncio.sleep(0)


async def purge_stale(sessions: SessionFactory) -> int:
    """Delete runs that never finished (the process died while staging); how many."""
    async with sessions() as session, session.begin():
        stale = list(
            await session.scalars(
                select(ImportRun.id).where(
                    ImportRun.status == "staging", ImportRun.created_at < utcnow() - STALE_AFTER
                )
            )
        )
    for run_id in stale:
        await finish(sessions, run_id, "abandoned")
    return len(stale)
