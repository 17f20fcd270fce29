"""Other users' reply times while one user floods the bot, through the fake Bot API.

Run: .venv/bin/python -m benchmarks.flood [--users 10] [--questions 5] [--rounds 5] [--rate 20]
     [--lead 3]

``asnbot run`` (SQLite, rate limiter on, as deployed) serves 10 users asking 5 rule questions each
(each waits for the reply), alternately alone and while one more user sends ``--rate`` messages a
second (20 a second is 1,200 a minute, twelve times the "100 a minute" of a stuck key or a
script), from ``--lead`` seconds before their first question to their last. Each round has new
users, so every phase starts from first contact. Reported: the others' p50/p99 reply time in both
phases and their ratio, and what the flooder got back."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import statistics
import tempfile
from pathlib import Path

from benchmarks.chaos import in_scope_questions, machine
from benchmarks.throughput import bot_config, bot_env, chat, chat_arguments, percentile, start_bot
from tests.fake_bot_api import FakeBotApi

FLOOD_TEXT = "kapan naik pangkat?"


async def flooding(api: FakeBotApi, user: int, rate: float, stop: asyncio.Event) -> int:
    sent = 0
    while not stop.is_set():
        await api.send_text(user, FLOOD_TEXT)
        sent += 1
        await asyncio.sleep(1 / rate)
    return sent


async def phase(
    api: FakeBotApi, users: range, questions: list[str], args: argparse.Namespace, flooder: int
) -> tuple[list[float], int, int]:
    """The users' latencies (ms); the flooder's messages and the replies it got (0, 0 alone)."""
    await chat(api, users, ["/start"], 1)  # first contact, not measured
    if not flooder:
        latencies, _ = await chat(api, users, questions, args.questions)
        return latencies, 0, 0
    stop = asyncio.Event()
    task = asyncio.create_task(flooding(api, flooder, args.rate, stop))
    await asyncio.sleep(args.lead)  # the flood is under way before the first question
    latencies, _ = await chat(api, users, questions, args.questions)
    stop.set()
    sent = await task
    await asyncio.sleep(1)
    return latencies, sent, len(api.sent(flooder))


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-flood-"))
    api = FakeBotApi()
    await api.start()
    env = bot_env(api, f"sqlite:///{folder / 'flood.sqlite3'}", bot_config(folder, True), True)
    process = await start_bot("bot", env)
    questions = in_scope_questions()
    alone: list[float] = []
    flooded: list[float] = []
    ratios, floods = [], []
    try:
        await chat(api, range(1, 2), ["/start"], 1)  # the bot is up
        for number in range(args.rounds):
            base = 10_000 * (number + 1)
            order = (False, True) if number % 2 == 0 else (True, False)
            medians = {}
            for with_flood in order:
                users = range(base + 1000 * with_flood, base + 1000 * with_flood + args.users)
                flooder = base + 5000 if with_flood else 0
                latencies, sent, got = await phase(api, users, questions, args, flooder)
                (flooded if with_flood else alone).extend(latencies)
                medians[with_flood] = statistics.median(latencies)
                if with_flood:
                    floods.append((sent, got))
            ratios.append(medians[True] / medians[False])
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        await api.stop()
    print(machine(), "\n")
    print("| others' replies | p50 ms | p99 ms |\n|---|---|---|")
    print(f"| alone | {percentile(alone, 0.5):.0f} | {percentile(alone, 0.99):.0f} |")
    print(f"| while one user sends {args.rate:g} messages a second | "
          f"{percentile(flooded, 0.5):.0f} | {percentile(flooded, 0.99):.0f} |")  # fmt: skip
    print(f"\nMedian of the rounds' p50 ratios (flood ÷ alone): {statistics.median(ratios):.2f}")
    sent = sum(s for s, _ in floods)
    got = sum(g for _, g in floods)
    print(f"The flooder sent {sent} messages in {args.rounds} rounds and got {got} replies back "
          f"(its answers up to the per-user limit, then one 'slow down' a minute).")  # fmt: skip


def main() -> None:
    parser = chat_arguments(__doc__, users=10, questions=5, rounds=5)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--lead", type=float, default=3.0, help="seconds of flood before")
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
