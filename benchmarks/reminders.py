"""Rotation reminders at scale: 100,000 planned rotations, how long one sweep takes to find and
claim the due reminders, on SQLite and PostgreSQL.

Run: .venv/bin/python -m benchmarks.reminders [--count 100000] [--days 7] [--postgres URL]

Setup (timed, reported): ``count`` employees, three in four linked to a Telegram account, and one
cohort whose TMTs are spread over the next 45 days, written by the real import path (which plans
four reminders and two check-ins each). Then:
1. The first sweep after the import (catch-up: everyone whose 30-day reminder already passed).
2. One sweep per day for ``days`` days at 08:00 WIB (the steady state), each timed; reported as the
   median and the worst, and as a ratio to the same run's baseline: one indexed COUNT of the due
   rows (the floor for finding them).
3. Memory: what one daily sweep allocates (tracemalloc peak) and the process's peak resident
   memory (which includes building the 100,000 rows of the setup).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text

from benchmarks.throughput import postgres_database
from bot.career import catalog
from bot.rotation import plans
from bot.rotation.reminders import Reminders
from bot.rotation.schedule import Planner
from db import repositories as repo
from db.migrate import upgrade
from db.models import Employee, OutboxMessage, RotationMessage, TelegramLink, User
from db.session import SessionFactory, create_engine, session_factory

JAKARTA = ZoneInfo("Asia/Jakarta")
PLANNER = Planner((30, 14, 7, 1), (30, 90), datetime.min.time().replace(hour=8), JAKARTA)
START = datetime(2027, 1, 4, 0, 30, tzinfo=UTC)  # 07:30 WIB


def _employee(index: int, unit_id: int) -> dict[str, object]:
    return {
        "nip": f"1980{index:014d}", "name": f"Pegawai {index}",
        "employment_type": "PNS", "gender": "L", "birth_date": date(1980, 1, 1),
        "unit_id": unit_id, "position_name": "Analis", "position_type": "pelaksana",
        "functional_level": None, "grade": "III/a", "grade_tmt": date(2020, 4, 1),
        "position_tmt": date(2020, 4, 1), "cpns_tmt": date(2005, 1, 1), "education": "S1",
        "created_at": START, "updated_at": START,
    }  # fmt: skip


async def populate(sessions: SessionFactory, count: int) -> dict[str, float]:
    """Employees, users and links by bulk insert; the plan through the real import path."""
    timings = {}
    began = time.perf_counter()
    async with sessions() as session, session.begin():
        units = await repo.upsert_units(session, ((u.code, u.name, u.region)
                                                  for u in catalog.units()))  # fmt: skip
        unit_ids = list(units.values())
        rows = [_employee(i, unit_ids[i % len(unit_ids)]) for i in range(count)]
        for start in range(0, count, 2000):
            await session.execute(insert(Employee), rows[start : start + 2000])
        ids = list(await session.scalars(select(Employee.id).order_by(Employee.id)))
        linked = [(i, e) for i, e in enumerate(ids) if i % 4]
        users = [{"id": 10_000_000 + i, "language": "id", "last_seen_at": START,
                  "created_at": START, "updated_at": START, "is_blocked": False}
                 for i, _ in linked]  # fmt: skip
        for start in range(0, len(users), 2000):
            await session.execute(insert(User), users[start : start + 2000])
        links = [
            {"user_id": 10_000_000 + i, "employee_id": e, "linked_at": START} for i, e in linked
        ]
        for start in range(0, len(links), 2000):
            await session.execute(insert(TelegramLink), links[start : start + 2000])
    timings["employees, users and links (bulk insert)"] = time.perf_counter() - began
    began = time.perf_counter()
    today = PLANNER.today(START)
    codes = [u.code for u in catalog.units()]
    plan = [
        {"nip": row["nip"], "unit_code": codes[(i + 1) % len(codes)], "position_name": "Analis",
         "position_type": "pelaksana", "functional_level": None,
         "tmt": today + timedelta(days=2 + i % 45), "sk_number": "", "cohort": "Bench",
         "reason": ""}
        for i, row in enumerate(rows)
    ]  # fmt: skip
    async with sessions() as session, session.begin():
        written = await plans.write_rows(session, plan, PLANNER, START)
    assert written.inserted == count
    timings["the plan written and its messages planned (import path)"] = (
        time.perf_counter() - began
    )
    return timings


async def floor(sessions: SessionFactory, now: datetime) -> float:
    """Baseline: one indexed count of the planned rows that fell due."""
    began = time.perf_counter()
    async with sessions() as session:
        await session.scalar(
            select(func.count()).select_from(RotationMessage)
            .where(RotationMessage.state == "planned", RotationMessage.due_at <= now)
        )  # fmt: skip
    return time.perf_counter() - began


async def measure(name: str, url: str, count: int, days: int) -> list[str]:
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    sessions = session_factory(engine)
    setup = await populate(sessions, count)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    reminders = Reminders(sessions, PLANNER, lambda: START)
    began = time.perf_counter()
    first = await reminders.queue_due(START)
    catch_up = time.perf_counter() - began
    sweeps, floors, queued, peaks = [], [], [], []
    for day in range(1, days + 1):
        moment = START + timedelta(days=day)
        floors.append(await floor(sessions, moment))
        began = time.perf_counter()
        queued.append(await reminders.queue_due(moment))
        sweeps.append(time.perf_counter() - began)
    for day in range(days + 1, days + 3):  # memory apart: tracemalloc slows what it watches
        tracemalloc.start()
        await reminders.queue_due(START + timedelta(days=day))
        peaks.append(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    async with sessions() as session:
        outbox = await session.scalar(select(func.count()).select_from(OutboxMessage))
        planned = await session.scalar(select(func.count()).select_from(RotationMessage))
    await engine.dispose()
    ratios = [s / f for s, f in zip(sweeps, floors, strict=True)]
    lines = [f"#### {name}: {count:,} rotations, {planned:,} planned messages", ""]
    lines += [f"- {what}: {seconds:.1f} s" for what, seconds in setup.items()]
    lines += [
        f"- first sweep after the import (catch-up): {first:,} queued in {catch_up:.2f} s",
        f"- daily sweeps ({days} days, about {statistics.median(queued):,.0f} due each): median "
        f"{statistics.median(sweeps):.3f} s, worst {max(sweeps):.3f} s",
        f"- baseline, one COUNT of the due rows: median {statistics.median(floors) * 1e3:.1f} ms; "
        f"sweep ÷ baseline median {statistics.median(ratios):.1f}×",
        f"- memory allocated during one daily sweep (tracemalloc peak): median "
        f"{statistics.median(peaks):.1f} MiB",
        f"- outbox rows after all sweeps: {outbox:,} (one per message: the unique key)",
    ]  # fmt: skip
    return lines


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-bench-reminders-"))
    databases = {"SQLite": f"sqlite:///{folder / 'bench.sqlite3'}"}
    if (pg := await postgres_database(args.postgres)) is not None:
        databases["PostgreSQL"] = pg
    for name, url in databases.items():
        print("\n".join(await measure(name, url, args.count, args.days)), "\n", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"- peak resident memory of the process: {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=7)
    default = "postgresql://postgres@127.0.0.1:5432/asnbot_bench"
    parser.add_argument("--postgres", default=os.environ.get("ASNBOT_BENCH_POSTGRES_URL", default))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
