"""Operator tasks behind the CLI: migrations and demo data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.accounts.linking import IssuedCode, LinkService
from bot.accounts.server_key import server_key
from bot.career import catalog, demo
from bot.config import Config
from bot.hr import checking
from bot.hr.imports import Applied, apply
from bot.rotation import demo as rotation_demo
from bot.rotation.reminders import Pending, Reminders
from bot.rotation.schedule import Planner
from db import repositories as repo
from db.base import utcnow
from db.migrate import current_revision, upgrade
from db.session import SessionFactory, create_engine, session_factory

T = TypeVar("T")


@dataclass(frozen=True)
class SeedResult:
    added: int
    total: int


@asynccontextmanager
async def _migrated(config: Config) -> AsyncIterator[AsyncEngine]:
    """An engine on the configured database, brought to the newest schema, disposed after."""
    engine = create_engine(config.database_url)
    try:
        await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


async def upgrade_database(config: Config) -> str | None:
    """Apply the migrations; returns the revision the database is now at."""
    async with _migrated(config) as engine:
        return await current_revision(engine)


async def seed_demo(config: Config, count: int = 360) -> SeedResult:
    """Migrate, then add the demo employees that are not there yet, and the demo rotation
    cohort when there is no rotation plan yet."""
    async with _migrated(config) as engine:
        sessions = session_factory(engine)
        result = await seed(sessions, count)
        await rotation_demo.seed_cohort(sessions, Planner.of(config), utcnow())
        return result


async def issue_link_code(config: Config, nip: str) -> IssuedCode | None:
    """A linking code for an NIP, issued from the command line (audited with no actor)."""
    async with _migrated(config) as engine:
        service = LinkService(session_factory(engine), server_key(config), config.link_code_hours)
        return await service.issue_code(nip, None)


async def import_file(
    config: Config,
    kind: str,
    content: bytes,
    filename: str,
    progress: Callable[[int], None] | None = None,
) -> Applied:
    """Check a spreadsheet and, when every row is valid, apply it (all rows or none)."""
    today = datetime.now(config.timezone).date()
    parsed = checking.parse(
        content, filename, kind, today, progress, checking.Limits.of(config.imports)
    )
    async with _migrated(config) as engine:
        return await apply(session_factory(engine), parsed, None, Planner.of(config))


async def seed(sessions: SessionFactory, count: int) -> SeedResult:
    """Add the first ``count`` demo employees, skipping NIPs already present; one transaction."""
    people = demo.generate(count)
    async with sessions() as session, session.begin():
        unit_ids = await repo.upsert_units(
            session, ((u.code, u.name, u.region) for u in catalog.units())
        )
        present = await repo.existing_nips(session, [p.nip for p in people])
        new = [p for p in people if p.nip not in present]
        ids = await repo.insert_employees(session, [_employee_row(p, unit_ids) for p in new])
        await repo.insert_ratings(
            session,
            [
                {"employee_id": ids[p.nip], "year": year, "predicate": predicate}
                for p in new
                for year, predicate in p.ratings.items()
            ],
        )
        await repo.insert_competencies(
            session,
            [
                repo.competency_row(ids[p.nip], code, level, assessed)
                for p in new
                for code, (level, assessed) in p.competencies.items()
            ],
        )
        await repo.insert_hours(
            session,
            [
                {"employee_id": ids[p.nip], "year": year, "hours": hours}
                for p in new
                for year, hours in p.hours.items()
            ],
        )
        total = await repo.count_employees(session)
    return SeedResult(added=len(new), total=total)


def _employee_row(person: demo.DemoEmployee, unit_ids: dict[str, int]) -> dict[str, object]:
    row = asdict(person)
    for key in ("ratings", "competencies", "unit_code", "hours"):
        row.pop(key)
    row["unit_id"] = unit_ids[person.unit_code]
    return row


async def reminders_due(config: Config, at: datetime) -> list[Pending]:
    """What a sweep at ``at`` would queue, without sending or changing anything."""
    async with _migrated(config) as engine:
        reminders = Reminders(session_factory(engine), Planner.of(config), utcnow)
        return await reminders.preview(at)


async def readiness_export(config: Config, cohort: str | None) -> tuple[bytes, int]:
    """The readiness workbook (full NIPs: the operator already holds the database) and how
    many people it lists; audited with no actor."""
    from bot.i18n import Translator
    from bot.rotation import hr_views, report

    async with _migrated(config) as engine:
        source = report.ReadinessReport(session_factory(engine))
        rows = await source.export_rows(cohort, None)
        summary = await source.summary(cohort)
    t = Translator(config.timezone, config.default_language)
    labels = hr_views.export_labels(t, config.default_language)
    return report.workbook(rows, summary, labels), len(rows)


async def with_sessions(config: Config, task: Callable[[SessionFactory], Awaitable[T]]) -> T:
    """Run ``task`` on sessions of the migrated database."""
    async with _migrated(config) as engine:
        return await task(session_factory(engine))
