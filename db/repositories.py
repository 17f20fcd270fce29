"""Queries shared by services. Functions take a session and never commit."""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CompetencyScore, DevelopmentHours, Employee, PerformanceRating, Unit

# Rows per INSERT: under SQLite's limit of bound parameters, big enough to be fast.
CHUNK = 500


async def upsert_units(
    session: AsyncSession, units: Iterable[tuple[str, str, str]]
) -> dict[str, int]:
    """Make sure each (code, name, region) unit exists; returns code -> id."""
    existing = {u.code: u for u in (await session.scalars(select(Unit))).all()}
    for code, name, region in units:
        unit = existing.get(code)
        if unit is None:
            unit = Unit(code=code, name=name, region=region)
            session.add(unit)
            existing[code] = unit
        else:
            unit.name, unit.region = name, region
    await session.flush()
    return {code: unit.id for code, unit in existing.items()}


async def all_units(session: AsyncSession) -> list[Unit]:
    """Every unit (a few hundred at most)."""
    return list((await session.scalars(select(Unit))).all())


async def existing_nips(session: AsyncSession, nips: Sequence[str]) -> set[str]:
    """Which of these NIPs are already in the database."""
    found: set[str] = set()
    for start in range(0, len(nips), CHUNK):
        chunk = nips[start : start + CHUNK]
        found.update(await session.scalars(select(Employee.nip).where(Employee.nip.in_(chunk))))
    return found


async def insert_employees(
    session: AsyncSession, rows: Sequence[dict[str, Any]]
) -> dict[str, int]:
    """Bulk-insert employees; returns nip -> id of the inserted rows."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(Employee), list(rows[start : start + CHUNK]))
    nips = [r["nip"] for r in rows]
    ids: dict[str, int] = {}
    for start in range(0, len(nips), CHUNK):
        result = await session.execute(
            select(Employee.nip, Employee.id).where(Employee.nip.in_(nips[start : start + CHUNK]))
        )
        ids.update({nip: id_ for nip, id_ in result})
    return ids


async def insert_ratings(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert yearly SKP predicates."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(PerformanceRating), list(rows[start : start + CHUNK]))


async def insert_competencies(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert competency levels."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(CompetencyScore), list(rows[start : start + CHUNK]))


async def insert_hours(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Bulk-insert yearly development hours."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(DevelopmentHours), list(rows[start : start + CHUNK]))


async def count_employees(session: AsyncSession) -> int:
    """How many employees the database holds."""
    return int(await session.scalar(select(func.count()).select_from(Employee)) or 0)


def competency_row(employee_id: int, code: str, level: int, assessed: date) -> dict[str, Any]:
    """One competency_scores row."""
    return {
        "employee_id": employee_id,
        "competency": code,
        "level": level,
        "assessed_on": assessed,
    }


async def nip_ids(session: AsyncSession, nips: Sequence[str]) -> dict[str, int]:
    """NIP -> employee id for the NIPs that exist."""
    found: dict[str, int] = {}
    for start in range(0, len(nips), CHUNK):
        chunk = nips[start : start + CHUNK]
        result = await session.execute(
            select(Employee.nip, Employee.id).where(Employee.nip.in_(chunk))
        )
        found.update({nip: id_ for nip, id_ in result})
    return found


async def update_employees(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Update existing employees by id (each row has ``id`` and the new values)."""
    for start in range(0, len(rows), CHUNK):
        await session.execute(update(Employee), list(rows[start : start + CHUNK]))


async def replace_yearly(
    session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]]
) -> None:
    """Upsert (employee_id, year) rows of ratings or hours: delete those pairs, insert anew."""
    pairs = sorted({(r["employee_id"], r["year"]) for r in rows})
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        await session.execute(
            delete(model).where(tuple_(model.employee_id, model.year).in_(chunk))
        )
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(model), list(rows[start : start + CHUNK]))


async def replace_competencies(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert competency levels by (employee, competency)."""
    pairs = sorted({(r["employee_id"], r["competency"]) for r in rows})
    key = tuple_(CompetencyScore.employee_id, CompetencyScore.competency)
    for start in range(0, len(pairs), CHUNK):
        await session.execute(delete(CompetencyScore).where(key.in_(pairs[start : start + CHUNK])))
    await insert_competencies(session, rows)


def conflict_insert(session: AsyncSession, target: Any) -> Any:
    """The database's own INSERT, which has ON CONFLICT. Only that dialect is imported: the
    PostgreSQL one costs a SQLite bot 1.5 MiB for nothing."""
    name = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert(target)


async def insert_ignore(session: AsyncSession, model: type[Any], values: dict[str, Any]) -> None:
    """INSERT the row unless one with the same key exists (ON CONFLICT DO NOTHING)."""
    statement = conflict_insert(session, model)
    await session.execute(statement.values(**values).on_conflict_do_nothing())


async def insert_ignore_many(
    session: AsyncSession, model: type[Any], rows: Sequence[dict[str, Any]]
) -> None:
    """INSERT the rows, skipping those whose key exists, a chunk per statement."""
    if not rows:
        return
    # Core, not the ORM's bulk path: no per-row bookkeeping
    statement = conflict_insert(session, model.__table__).on_conflict_do_nothing()
    for start in range(0, len(rows), CHUNK * 4):  # executemany: one cached statement
        await session.execute(statement, list(rows[start : start + CHUNK * 4]))


async def analyze(session: AsyncSession, *tables: str) -> None:
    """Refresh PostgreSQL's statistics after a bulk write, so the next queries are planned for
    the new sizes (autovacuum would get there within minutes; the first sweep should not wait)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text(f"ANALYZE {', '.join(tables)}"))


def unindexed(column: Any) -> Any:
    """The column in a form no index can serve (``state || ''``), for a filter that sits beside
    a primary-key lookup: SQLite would otherwise walk a low-selectivity index such as
    (state, due_at) through hundreds of thousands of rows."""
    return column.concat("")


def rowcount(result: Any) -> int:
    """Rows an UPDATE or DELETE touched (0 when the driver cannot tell)."""
    return int(getattr(result, "rowcount", 0) or 0)
