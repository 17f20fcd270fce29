"""Questions while a broadcast goes out: the bot against a bare echo bot, through the fake Bot API.

Run: .venv/bin/python -m benchmarks.load [--users 50] [--questions 10] [--rounds 3]
     [--recipients 3000] [--postgres URL]

For SQLite and PostgreSQL, with python-telegram-bot's rate limiter off and on, the echo bot and
``asnbot run`` answer 50 users × 10 rule questions each (every user waits for the reply before
the next question); the runs alternate echo, bot, bot, echo… so a slow moment of the shared
machine falls on both. Before each bot run the database is emptied, ``--recipients`` people are
linked and a broadcast to all of them is made; the questions start once the bot's first
broadcast messages went out, so the broadcast runs beside them all along. The echo bot has no
broadcast: it is the bare library's ceiling. With the limiter on, both keep to Telegram's 30
messages a second, so the broadcast and the replies share that.

Reported: answered questions per second, p50/p99 from question to reply, the bot's rate as a
share of the echo bot's (target ≥ 70 %), the broadcast messages the bot sent per second while
the questions ran, and the most messages the fake received in any one second then.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import shutil
import statistics
import tempfile
from bisect import bisect_left
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.broadcast import populate
from benchmarks.chaos import in_scope_questions, machine, reset_postgres
from benchmarks.throughput import (
    bot_config,
    bot_env,
    chat_arguments,
    one_run,
    percentile,
    postgres_argument,
)
from bot.broadcast.audience import Audience
from bot.broadcast.store import Draft
from bot.config import DEFAULT_CONFIG, load_config
from bot.context import Services
from db.migrate import upgrade
from tests.bot_processes import until
from tests.fake_bot_api import FakeBotApi

FIRST_RECIPIENT = 20_000_000  # benchmarks.broadcast.populate's Telegram ids
STARTED_AFTER = 10  # broadcast messages out before the questions begin
TARGET = 0.70


async def prepare(url: str, recipients: int) -> None:
    """An empty database with ``recipients`` linked people and a broadcast to all of them."""
    if url.startswith("postgresql"):
        await reset_postgres(url)
    svc = Services.create(load_config(DEFAULT_CONFIG, {"ASNBOT_DATABASE_URL": url}))
    try:
        await upgrade(svc.engine)
        await populate(svc.sessions, recipients)
        made = await svc.broadcasts.create(None, Draft("Uji beban: siaran", Audience()))
        assert made.recipients == recipients, made
    finally:
        await svc.engine.dispose()


def broadcast_sends(api: FakeBotApi, since: float = 0.0, until: float = float("inf")) -> int:
    return sum(
        1
        for call in api.sent()
        if int(call.params.get("chat_id", 0)) >= FIRST_RECIPIENT and since <= call.at < until
    )


def busiest_second(api: FakeBotApi, since: float, until: float) -> int:
    moments = sorted(c.at for c in api.sent() if since <= c.at < until)
    return max((bisect_left(moments, t + 1.0) - i for i, t in enumerate(moments)), default=0)


def broadcasting(api: FakeBotApi) -> Callable[[], Awaitable[None]]:
    async def ready() -> None:
        await until(lambda: broadcast_sends(api) >= STARTED_AFTER, 60)

    return ready


async def setting(
    args: argparse.Namespace, url_for: Callable[[], str], limiter: bool, folder: Path
) -> dict[str, list[dict[str, Any]]]:
    """Every round of one database and limiter setting."""
    questions = in_scope_questions()
    results: dict[str, list[dict[str, Any]]] = {"echo": [], "bot": []}
    config = bot_config(folder, limiter)
    for round_number in range(args.rounds):
        order = ("echo", "bot") if round_number % 2 == 0 else ("bot", "echo")
        for which in order:
            api = FakeBotApi()
            await api.start()
            url = url_for()  # a new database for each bot run
            env = bot_env(api, url, config, limiter)
            try:
                ready = None
                if which == "bot":
                    await prepare(url, args.recipients)
                    ready = broadcasting(api)
                users = range(100_000 * (round_number + 1), 100_000 * (round_number + 1)
                              + args.users)  # fmt: skip
                run: dict[str, Any] = await one_run(api, which, env, args, users, questions,
                                                    ready)  # fmt: skip
                run["broadcast"] = broadcast_sends(api, run["began"], run["ended"])
                run["busiest"] = busiest_second(api, run["began"], run["ended"])
                results[which].append(run)
            finally:
                await api.stop()
    return results


def rows(database: str, limiter: bool, results: dict[str, list[dict[str, Any]]]) -> list[str]:
    out = []
    rate = {w: statistics.median(r["rate"] for r in runs) for w, runs in results.items()}
    for which, runs in results.items():
        latencies = [v for r in runs for v in r["latencies"]]
        seconds = [r["ended"] - r["began"] for r in runs]
        sent = statistics.median(r["broadcast"] / s for r, s in zip(runs, seconds, strict=True))
        share = f"**{100 * rate['bot'] / rate['echo']:.0f} %**" if which == "bot" else "—"
        out.append(
            f"| {database} | {'on' if limiter else 'off'} | {which} | {rate[which]:.1f} | "
            f"{percentile(latencies, 0.5):.0f} | {percentile(latencies, 0.99):.0f} | {share} | "
            f"{sent:.1f} | {max(r['busiest'] for r in runs)} |"
        )
    return out


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-load-"))
    files = itertools.count()
    databases: list[tuple[str, Callable[[], str]]] = [
        ("SQLite", lambda: f"sqlite:///{folder / f'load-{next(files)}.sqlite3'}")
    ]
    if not args.sqlite_only:
        await reset_postgres(args.postgres)
        databases.append(("PostgreSQL", lambda: args.postgres))
    print(machine(), "\n")
    print("| database | rate limiter | system | answered/s | p50 ms | p99 ms | bot ÷ echo "
          "| broadcast messages/s meanwhile | most messages in a second |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    for name, url_for in databases:
        for limiter in (False, True):
            results = await setting(args, url_for, limiter, folder)
            print("\n".join(rows(name, limiter, results)), flush=True)
    print(f"\nTarget: the bot answers at ≥ {100 * TARGET:.0f} % of the echo bot's rate.")
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = chat_arguments(__doc__, users=50, questions=10, rounds=3)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--sqlite-only", action="store_true")
    postgres_argument(parser)
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
