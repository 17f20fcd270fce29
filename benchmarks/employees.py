"""Employee data at scale: importing a large CSV and answering /profil, /kompetensi, /karier.

Run: .venv/bin/python -m benchmarks.employees [--count 100000] [--samples 200]
Baselines measured in the same run: reading the CSV with the csv module alone (the floor for an
import), and fetching one employee row by primary key (the floor for a personal answer).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from bot.career import charts, demo, profile
from bot.career import views as career_views
from bot.hr import checking
from bot.hr.imports import apply
from bot.i18n import Translator
from db import repositories as repo
from db.base import utcnow
from db.migrate import upgrade
from db.models import Employee, User
from db.session import SessionFactory, create_engine, session_factory

TODAY = date(2026, 11, 28)


def summary(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


async def timed(action: Callable[[], Awaitable[object]], samples: int) -> list[float]:
    out = []
    for _ in range(samples):
        start = time.perf_counter()
        await action()
        out.append((time.perf_counter() - start) * 1000)
    return out


async def run(count: int, samples: int) -> None:
    people = demo.generate(count)
    content = demo.employees_csv(people)
    folder = Path(tempfile.mkdtemp(prefix="asnbot-bench-"))
    engine = create_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    await upgrade(engine)
    sessions = session_factory(engine)

    start = time.perf_counter()
    sum(1 for _ in csv.reader(io.StringIO(content.decode())))
    read_only = time.perf_counter() - start
    start = time.perf_counter()
    parsed = checking.parse(content, "bench.csv", "employees", TODAY)
    checked = time.perf_counter() - start
    quiet = await _writer_waits(sessions, asyncio.sleep(2))
    start = time.perf_counter()
    during_import = await _writer_waits(sessions, apply(sessions, parsed, None))
    imported = time.perf_counter() - start
    start = time.perf_counter()
    during_reimport = await _writer_waits(sessions, apply(sessions, parsed, None))
    reimported = time.perf_counter() - start
    await _add_competencies(sessions, people)

    t = Translator(ZoneInfo("Asia/Jakarta"))
    service = profile.ProfileService(sessions)
    async with sessions() as session:
        ids = list(await session.scalars(select(Employee.id)))
    rng = random.Random(1)

    async def pick() -> profile.Profile:
        found = await service.load(rng.choice(ids), TODAY)
        assert found is not None
        return found

    async def bare_row() -> object:
        async with sessions() as session:
            return await session.get(Employee, rng.choice(ids))

    async def profil() -> object:
        return career_views.profile(t, "id", await pick(), TODAY)

    async def kompetensi_text() -> object:
        return career_views.competencies(t, "id", profile.competency_report(await pick()))

    async def kompetensi_chart() -> object:
        report = profile.competency_report(await pick())
        return charts.draw(career_views.competency_chart(t, "id", report))

    async def karier() -> object:
        return career_views.career_outlook(t, "id", profile.career(await pick(), TODAY))

    rows = [
        ("baseline: one employee row by primary key", await timed(bare_row, samples)),
        ("/profil", await timed(profil, samples)),
        ("/kompetensi (text)", await timed(kompetensi_text, samples)),
        ("/kompetensi chart (PNG)", await timed(kompetensi_chart, max(samples // 4, 10))),
        ("/karier", await timed(karier, samples)),
    ]
    await engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count:,} employees, {len(content) / 1e6:.1f} MB CSV, SQLite file\n")
    print("| step | seconds |\n|---|---|")
    print(f"| baseline: csv module reads the file | {read_only:.2f} |")
    print(f"| check every row | {checked:.2f} |")
    print(
        f"| write: stage in batches, switch in one transaction (first import) | {imported:.2f} |"
    )
    print(f"| write again: every row an update (re-import) | {reimported:.2f} |\n")
    print("| another user's one-row write | median ms | max ms |\n|---|---|---|")
    for name, waits in (("baseline: no import running", quiet), ("during the first import",
                        during_import), ("during the re-import", during_reimport)):  # fmt: skip
        print(f"| {name} | {statistics.median(waits):.1f} | {max(waits):.0f} |")
    print()
    print("| answer | median ms | p99 ms |\n|---|---|---|")
    for name, values in rows:
        median, p99 = summary(values)
        print(f"| {name} | {median:.2f} | {p99:.2f} |")
    print(f"\npeak memory: {peak:.0f} MB")


async def _writer_waits(sessions: SessionFactory, work: Awaitable[object]) -> list[float]:
    """Milliseconds each small write of another user took while ``work`` ran (every 20 ms)."""
    async with sessions() as session, session.begin():
        if await session.get(User, 1) is None:
            session.add(User(id=1, language="id"))
    waits: list[float] = []
    task = asyncio.ensure_future(work)
    while not task.done():
        start = time.perf_counter()
        async with sessions() as session, session.begin():
            await session.execute(update(User).where(User.id == 1).values(last_seen_at=utcnow()))
        waits.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(0.02)
    result = await task
    assert not getattr(result, "errors", ()), "the benchmark file must import cleanly"
    return waits


async def _add_competencies(sessions: SessionFactory, people: list[demo.DemoEmployee]) -> None:
    """Competency levels for the profiles (written directly; not part of the timed import)."""
    async with sessions() as session, session.begin():
        ids = await repo.nip_ids(session, [p.nip for p in people])
        await repo.insert_competencies(session, [
            repo.competency_row(ids[p.nip], code, level, day)
            for p in people for code, (level, day) in p.competencies.items()
        ])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.count, args.samples))


if __name__ == "__main__":
    main()
