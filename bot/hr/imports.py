"""Applying a checked spreadsheet to the database: all rows or none, never a long lock.

The rows are staged in short transactions (db/staging.py), then switched into the real tables
in one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.career import catalog
from bot.hr.checking import UNKNOWN_NIP, Parsed, RowError
from bot.rotation import plans
from bot.rotation.schedule import Planner
from db import repositories as repo
from db import staging
from db.base import utcnow
from db.models import AuditEntry, StagedCompetency, StagedEmployee, StagedYearly
from db.retry import retry_on_lock
from db.session import SessionFactory


@dataclass(frozen=True)
class Applied:
    inserted: int
    updated: int
    errors: tuple[RowError, ...] = ()
    encoding: str = ""
    problem: tuple[str, dict[str, object]] | None = None  # the file could not be read at all
    warnings: tuple[RowError, ...] = ()  # rows kept, but worth a look (and fuzzy unit matches)
    cancelled: int = 0  # rotation plans: rows of a cohort the new file leaves out


async def apply(
    sessions: SessionFactory,
    parsed: Parsed,
    actor: int | None,
    planner: Planner | None = None,
    now: datetime | None = None,
) -> Applied:
    """Write a valid file; a row naming an unknown NIP rejects everything.

    Rotation plans need the ``planner`` that turns their TMTs into reminders.
    """
    if parsed.problem is not None or parsed.errors:
        return Applied(0, 0, tuple(parsed.errors), parsed.encoding, parsed.problem)
    if parsed.kind == "rotations":
        assert planner is not None
        return replace(await _rotations(sessions, parsed, actor, planner, now or utcnow()),
                       warnings=tuple(parsed.warnings))  # fmt: skip
    run_id = await staging.new_run(sessions, parsed.kind, actor)
    try:
        await _stage(sessions, parsed, run_id)
        result = await _switch(sessions, parsed, run_id, actor)
    except BaseException:
        await staging.finish(sessions, run_id, "failed")
        raise
    await staging.finish(sessions, run_id, "rejected" if result.errors else "applied")
    return replace(result, warnings=tuple(parsed.warnings))


async def _stage(sessions: SessionFactory, parsed: Parsed, run_id: int) -> None:
    rows = parsed.rows
    if parsed.kind == "employees":
        await staging.stage(sessions, StagedEmployee, run_id, (_employee(r) for r in rows))
        ratings = ({"nip": r["nip"], "year": y, "predicate": p, "hours": None}
                   for r in rows for y, p in r["ratings"].items())  # fmt: skip
        await staging.stage(sessions, StagedYearly, run_id, ratings)
        hours = ({"nip": r["nip"], "year": y, "predicate": None, "hours": h}
                 for r in rows for y, h in r["hours"].items())  # fmt: skip
        await staging.stage(sessions, StagedYearly, run_id, hours)
    elif parsed.kind == "competencies":
        await staging.stage(sessions, StagedCompetency, run_id, (
            {k: r[k] for k in ("nip", "competency", "level", "assessed_on")} for r in rows
        ))  # fmt: skip
    else:
        await staging.stage(sessions, StagedYearly, run_id, (
            {"nip": r["nip"], "year": r["year"], "predicate": None, "hours": r["hours"]}
            for r in rows
        ))  # fmt: skip


def _employee(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: row[k] for k in staging.EMPLOYEE_COLUMNS}, "unit_code": row["unit_code"]}


async def _switch(
    sessions: SessionFactory, parsed: Parsed, run_id: int, actor: int | None
) -> Applied:
    async with sessions() as session, session.begin():
        if parsed.kind == "employees":
            await repo.upsert_units(session, ((u.code, u.name, u.region) for u in catalog.units()))
            inserted, updated = await staging.switch_employees(session, run_id)
        else:
            model = StagedCompetency if parsed.kind == "competencies" else StagedYearly
            unknown = set(await staging.unknown_nips(session, model, run_id))
            if unknown:
                return Applied(0, 0, _unknown_errors(parsed, unknown), parsed.encoding)
            inserted, updated = len(parsed.rows), 0
            if parsed.kind == "competencies":
                await staging.switch_competencies(session, run_id)
        if parsed.kind != "competencies":
            await staging.switch_yearly(session, run_id)
        session.add(AuditEntry(actor_id=actor, action=f"import_{parsed.kind}",
                               detail=f"{inserted} new, {updated} updated"))  # fmt: skip
    return Applied(inserted, updated, (), parsed.encoding)


@retry_on_lock
async def _rotations(
    sessions: SessionFactory, parsed: Parsed, actor: int | None, planner: Planner, now: datetime
) -> Applied:
    """A plan is small (a cohort is hundreds, a province's year a few thousand): one
    transaction."""
    async with sessions() as session, session.begin():
        written = await plans.write_rows(session, parsed.rows, planner, now)
        if written.unknown:
            return Applied(0, 0, _unknown_errors(parsed, set(written.unknown)), parsed.encoding)
        session.add(AuditEntry(actor_id=actor, action="import_rotations",
                               detail=f"{written.inserted} new, {written.updated} updated, "
                                      f"{written.cancelled} cancelled"))  # fmt: skip
    return Applied(written.inserted, written.updated, (), parsed.encoding,
                   cancelled=written.cancelled)  # fmt: skip


def _unknown_errors(parsed: Parsed, unknown: set[str]) -> tuple[RowError, ...]:
    rows = [r for r in parsed.rows if r["nip"] in unknown]
    return tuple(RowError(r["_row"], "nip", r["nip"], UNKNOWN_NIP) for r in rows)
