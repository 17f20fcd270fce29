"""A broadcast to many recipients against the tests' fake Bot API made to enforce Telegram's
limits (429 with retry_after above 30 messages a second overall, or 1 a second to one chat).

Run: .venv/bin/python -m benchmarks.broadcast [--recipients 10000] [--queue 100000]
     [--postgres URL]

Measured, in one run:
1. Delivery: the real sender (python-telegram-bot's HTTP stack and its rate limiter, as the bot
   runs them) works through a broadcast to ``--recipients`` linked people on SQLite: the
   sustained rate as a fraction of the configured one (25 a second), the 429s the fake answered,
   and the resident memory the sending added.
2. Queueing: creating a broadcast to ``--queue`` recipients (one outbox row each), on SQLite and
   PostgreSQL: median of 3.
3. What a province (70,000 ASN) and the whole country (4.7 million) take at Telegram's limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from benchmarks.throughput import postgres_database, rss_mib
from bot.broadcast import sending
from bot.broadcast.audience import Audience
from bot.broadcast.store import KIND, Broadcasts, Draft
from bot.career import catalog
from bot.clock import Clock
from bot.i18n import Translator
from bot.outbox.sender import Sender
from bot.outbox.store import Outbox
from db import repositories as repo
from db.migrate import upgrade
from db.models import Broadcast, Employee, OutboxMessage, TelegramLink, User
from db.session import SessionFactory, create_engine, session_factory
from tests.fake_bot_api import FakeBotApi

RATE = 25.0  # the configured default: [outbox] messages_per_second
TELEGRAM_LIMIT = 30.0
NOW = datetime(2027, 1, 4, 1, tzinfo=UTC)


async def populate(sessions: SessionFactory, count: int) -> None:
    """``count`` employees, each linked to a Telegram account, by bulk insert."""
    async with sessions() as session, session.begin():
        units = await repo.upsert_units(session, ((u.code, u.name, u.region)
                                                  for u in catalog.units()))  # fmt: skip
        unit_ids = list(units.values())
        rows = [{"nip": f"1985{i:014d}", "name": f"Pegawai {i}", "employment_type": "PNS",
                 "gender": "P", "birth_date": date(1985, 1, 1),
                 "unit_id": unit_ids[i % len(unit_ids)], "position_name": "Analis",
                 "position_type": "pelaksana", "functional_level": None, "grade": "III/a",
                 "grade_tmt": date(2020, 4, 1), "position_tmt": date(2020, 4, 1),
                 "cpns_tmt": date(2010, 1, 1), "education": "S1", "created_at": NOW,
                 "updated_at": NOW} for i in range(count)]  # fmt: skip
        for start in range(0, count, 2000):
            await session.execute(insert(Employee), rows[start : start + 2000])
        ids = list(await session.scalars(select(Employee.id).order_by(Employee.id)))
        users = [{"id": 20_000_000 + i, "language": "id", "last_seen_at": NOW,
                  "created_at": NOW, "updated_at": NOW, "is_blocked": False}
                 for i in range(len(ids))]  # fmt: skip
        for start in range(0, len(users), 2000):
            await session.execute(insert(User), users[start : start + 2000])
        links = [{"user_id": 20_000_000 + i, "employee_id": e, "linked_at": NOW}
                 for i, e in enumerate(ids)]  # fmt: skip
        for start in range(0, len(links), 2000):
            await session.execute(insert(TelegramLink), links[start : start + 2000])


async def delivery(count: int) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-broadcast-"))
    engine = create_engine(f"sqlite:///{folder / 'bench.sqlite3'}")
    await upgrade(engine)
    sessions = session_factory(engine)
    await populate(sessions, count)
    api = FakeBotApi()
    api.enforce_limits(int(TELEGRAM_LIMIT), 1.0)
    await api.start()
    bot = ExtBot(api.token, base_url=api.base_url, request=HTTPXRequest(connection_pool_size=256),
                 rate_limiter=AIORateLimiter(max_retries=3))  # fmt: skip
    await bot.initialize()
    clock = Clock()
    sender = Sender(Outbox(sessions), RATE, clock)
    broadcasts = Broadcasts(sessions, clock)

    translate = Translator(ZoneInfo("Asia/Jakarta"))
    sender.register(KIND, sending.renderer(broadcasts, translate, _indonesian))
    made = await broadcasts.create(None, Draft("Uji <b>siaran</b>", Audience(), ack=True))
    before = rss_mib(os.getpid())
    started = time.monotonic()
    report = await sender.send_due(bot, 10 * count / RATE)
    seconds = time.monotonic() - started
    grown = rss_mib(os.getpid()) - before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    await bot.shutdown()
    await api.stop()
    await engine.dispose()
    sent = report.sent
    rate = sent / seconds
    others = {k: v for k, v in report.outcomes.items() if k != "sent"} or "none"
    share = 100 * rate / RATE
    return [
        f"- Delivery of broadcast {made.id} to {count:,} recipients on SQLite: {sent:,} sent in "
        f"{seconds:.0f} s, {rate:.2f} messages/s = **{share:.1f} %** of the configured "
        f"{RATE:.0f}/s; 429 answers from the fake: **{api.too_many}**; other outcomes: "
        f"{others}; resident memory grew by {grown:.1f} MiB while sending (peak of the whole "
        f"process, with the {count:,} people it inserted first: {peak:.0f} MiB).",
    ]


async def _indonesian(_user_id: int) -> str:
    return "id"


async def queueing(url: str, count: int) -> float:
    engine = create_engine(url)
    if url.startswith("postgresql"):  # a fresh schema: the last run's rows would collide
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    sessions = session_factory(engine)
    await populate(sessions, count)
    store = Broadcasts(sessions)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        made = await store.create(None, Draft("x", Audience()))
        times.append(time.perf_counter() - started)
        assert made.recipients == count
        async with sessions() as session, session.begin():
            await session.execute(delete(OutboxMessage))
            await session.execute(delete(Broadcast))
    await engine.dispose()
    return statistics.median(times)


def projections() -> list[str]:
    lines = []
    for name, people in (("a province (70,000 ASN)", 70_000),
                         ("the whole country (4.7 million ASN)", 4_700_000)):  # fmt: skip
        at_limit, at_rate = people / TELEGRAM_LIMIT, people / RATE
        lines.append(f"- {name}: {_duration(at_limit)} at Telegram's 30/s, "
                     f"{_duration(at_rate)} at the default 25/s")  # fmt: skip
    return lines


def _duration(seconds: float) -> str:
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours} h {rest // 60:02d} min" if hours else f"{rest // 60} min {rest % 60:02d} s"


async def run(args: argparse.Namespace) -> None:
    lines = await delivery(args.recipients)
    folder = Path(tempfile.mkdtemp(prefix="asnbot-queue-"))
    databases = {"SQLite": f"sqlite:///{folder / 'queue.sqlite3'}"}
    if args.postgres and (url := await postgres_database(args.postgres)):
        databases["PostgreSQL"] = url
    for name, url in databases.items():
        seconds = await queueing(url, args.queue)
        lines.append(f"- Queueing a broadcast to {args.queue:,} recipients on {name}: "
                     f"**{seconds:.2f} s** (median of 3; target ≤ 10 s)")  # fmt: skip
    lines += projections()
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--queue", type=int, default=100_000)
    default = "postgresql://postgres@127.0.0.1:5432/asnbot_bench"
    parser.add_argument("--postgres", default=os.environ.get("ASNBOT_BENCH_POSTGRES_URL", default))
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
