"""Applying a checked spreadsheet to the database: all rows in one transaction, or none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import catalog
from bot.importing import UNKNOWN_NIP, Parsed, RowError
from db import repositories as repo
from db.models import AuditEntry, DevelopmentHours, PerformanceRating
from db.session import SessionFactory

EMPLOYEE_FIELDS = (
    "nip", "name", "employment_type", "gender", "birth_date", "position_name", "position_type",
    "functional_level", "grade", "grade_tmt", "position_tmt", "cpns_tmt", "education",
)  # fmt: skip


@dataclass(frozen=True)
class Applied:
    inserted: int
    updated: int
    errors: tuple[RowError, ...] = ()


class _Rejected(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} rows refer to unknown NIPs")
        self.errors = errors


async def apply(sessions: SessionFactory, parsed: Parsed, actor: int | None) -> Applied:
    """Write a valid file; a row naming an unknown NIP rolls everything back."""
    if parsed.errors:
        return Applied(0, 0, tuple(parsed.errors))
    try:
        async with sessions() as session, session.begin():
            writer = {"employees": _employees, "competencies": _competencies,
                      "training": _training}[parsed.kind]  # fmt: skip
            inserted, updated = await writer(session, parsed.rows)
            session.add(AuditEntry(actor_id=actor, action=f"import_{parsed.kind}",
                                   detail=f"{inserted} new, {updated} updated"))  # fmt: skip
    except _Rejected as rejected:
        return Applied(0, 0, tuple(rejected.errors))
    return Applied(inserted, updated)


async def _employees(session: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    unit_ids = await repo.upsert_units(
        session, ((u.code, u.name, u.region) for u in catalog.units())
    )
    existing = await repo.nip_ids(session, [r["nip"] for r in rows])
    records = [
        {**{k: r[k] for k in EMPLOYEE_FIELDS}, "unit_id": unit_ids[r["unit_code"]]} for r in rows
    ]
    new = [rec for rec in records if rec["nip"] not in existing]
    ids = await repo.insert_employees(session, new) if new else {}
    await repo.update_employees(
        session, [{**rec, "id": existing[rec["nip"]]} for rec in records if rec["nip"] in existing]
    )
    ids.update(existing)
    ratings = [{"employee_id": ids[r["nip"]], "year": y, "predicate": p}
               for r in rows for y, p in r["ratings"].items()]  # fmt: skip
    hours = [{"employee_id": ids[r["nip"]], "year": y, "hours": h}
             for r in rows for y, h in r["hours"].items()]  # fmt: skip
    await repo.replace_yearly(session, PerformanceRating, ratings)
    await repo.replace_yearly(session, DevelopmentHours, hours)
    return len(new), len(records) - len(new)


async def _known(session: Any, rows: list[dict[str, Any]]) -> dict[str, int]:
    ids = await repo.nip_ids(session, sorted({r["nip"] for r in rows}))
    unknown = [
        RowError(r["_row"], "nip", r["nip"], UNKNOWN_NIP) for r in rows if r["nip"] not in ids
    ]
    if unknown:
        raise _Rejected(unknown)
    return ids


async def _competencies(session: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    ids = await _known(session, rows)
    await repo.replace_competencies(session, [
        {"employee_id": ids[r["nip"]], "competency": r["competency"], "level": r["level"],
         "assessed_on": r["assessed_on"]} for r in rows
    ])  # fmt: skip
    return len(rows), 0


async def _training(session: Any, rows: list[dict[str, Any]]) -> tuple[int, int]:
    ids = await _known(session, rows)
    await repo.replace_yearly(session, DevelopmentHours, [
        {"employee_id": ids[r["nip"]], "year": r["year"], "hours": r["hours"]} for r in rows
    ])  # fmt: skip
    return len(rows), 0
