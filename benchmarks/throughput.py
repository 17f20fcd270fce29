"""The bot against a bare python-telegram-bot echo bot, through the tests' fake Bot API.

Run: .venv/bin/python -m benchmarks.throughput [--users 50] [--questions 10] [--rounds 3]
     [--postgres URL]

Four measurements, all in one run on one machine:
1. Throughput: ``asnbot run`` and ``benchmarks.echo_bot`` as subprocesses polling the fake Bot API,
   50 users × 10 rule questions each (every user waits for the reply before the next question),
   on SQLite and PostgreSQL, with and without the rate limiter. Runs alternate echo, bot, echo,
   bot… so a slow moment of the machine falls on both. Reported: messages per second, p50/p99
   reply latency, CPU ms per message (the process's own user+system time), and resident memory
   when idle after start-up.
2. Database statements per plain question (the bot in this process, counted at the engine).
3. The longest event-loop stall while charts, an import and content reloads run, with asyncio's
   debug mode reporting callbacks slower than 50 ms, and the reply latency of other users then.
4. ``asnbot ask`` start-up, cold (no index cache) and warm.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from benchmarks.devset import load
from bot.config import DEFAULT_CONFIG, PROJECT_ROOT
from tests.fake_bot_api import FakeBotApi

VENV_BIN = Path(sys.executable).parent
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(int(len(ordered) * share) - 1, 0))]


async def chat(
    api: FakeBotApi, users: range, questions: list[str], per_user: int
) -> tuple[list[float], float]:
    """Every user asks ``per_user`` questions, waiting for each reply; latencies in ms, seconds."""

    async def one(user: int) -> list[float]:
        out = []
        for number in range(per_user):
            text = questions[(user * per_user + number) % len(questions)]
            before = len(api.sent(user))
            sent_at = time.monotonic()
            await api.send_text(user, text)
            reply = (await api.wait_for("sendMessage", user, before + 1, 60))[before]
            out.append((reply.at - sent_at) * 1000)
        return out

    started = time.monotonic()
    results = await asyncio.gather(*(one(u) for u in users))
    return [v for r in results for v in r], time.monotonic() - started


def bot_config(folder: Path, rate_limiter: bool) -> Path:
    """config.toml with a short long-poll, the limiter on or off, the repository's index cache."""
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^poll_timeout = .*$", "poll_timeout = 1", text)
    text = re.sub(r"(?m)^rate_limiter = .*$", f"rate_limiter = {str(rate_limiter).lower()}", text)
    text = re.sub(
        r"(?m)^cache_dir = .*$", f'cache_dir = "{PROJECT_ROOT / "data" / "cache"}"', text
    )
    path = folder / f"config-{int(rate_limiter)}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bot_env(api: FakeBotApi, db_url: str, config: Path, limiter: bool) -> dict[str, str]:
    """The environment of ``asnbot run`` (and of the echo bot) against ``api``."""
    return {**os.environ, "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
            "ASNBOT_DATABASE_URL": db_url, "ASNBOT_CONFIG": str(config),
            "ECHO_RATE_LIMITER": str(int(limiter)), "ASNBOT_SUPERADMINS": ""}  # fmt: skip


async def start_bot(which: str, env: dict[str, str]) -> asyncio.subprocess.Process:
    """``asnbot run`` ("bot") or the bare echo bot ("echo") as a process."""
    command = (
        [str(VENV_BIN / "asnbot"), "run"]
        if which == "bot"
        else [sys.executable, "-m", "benchmarks.echo_bot"]
    )
    return await asyncio.create_subprocess_exec(
        *command, env=env, cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def chat_arguments(
    description: str | None, users: int, questions: int, rounds: int
) -> argparse.ArgumentParser:
    """A parser with the chat benchmarks' --users, --questions and --rounds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--users", type=int, default=users)
    parser.add_argument("--questions", type=int, default=questions)
    parser.add_argument("--rounds", type=int, default=rounds)
    return parser


def postgres_argument(parser: argparse.ArgumentParser) -> None:
    default = "postgresql://postgres@127.0.0.1:5432/asnbot_bench"
    parser.add_argument("--postgres", default=os.environ.get("ASNBOT_BENCH_POSTGRES_URL", default))


async def one_run(
    api: FakeBotApi, which: str, env: dict[str, str], args: argparse.Namespace, users: range,
    questions: list[str], ready: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, float | list[float]]:  # fmt: skip
    """One process answering ``users`` × ``args.questions``; ``ready`` is awaited after the
    users' first contact, before the measured part."""
    process = await start_bot(which, env)
    try:
        await chat(api, users, ["/start"], 1)  # start-up and first contact, not measured
        await asyncio.sleep(1)
        idle = rss_mib(process.pid)
        if ready is not None:
            await ready()
        cpu_before = cpu_seconds(process.pid)
        began = time.monotonic()
        latencies, seconds = await chat(api, users, questions, args.questions)
        cpu = cpu_seconds(process.pid) - cpu_before
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    count = len(latencies)
    return {"rate": count / seconds, "latencies": latencies, "cpu_ms": cpu * 1000 / count,
            "idle_mib": idle, "began": began, "ended": began + seconds}  # fmt: skip


async def throughput(args: argparse.Namespace, databases: dict[str, str]) -> list[str]:
    questions = [item.question for item in load() if not item.out_of_scope]
    folder = Path(tempfile.mkdtemp(prefix="asnbot-throughput-"))
    lines = ["| database | rate limiter | system | messages/s | p50 ms | p99 ms | CPU ms/message "
             "| idle MiB |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    ratios = []
    for db_name, db_url in databases.items():
        for limiter in (False, True):
            results: dict[str, list[dict[str, Any]]] = {"echo": [], "bot": []}
            api = FakeBotApi()
            await api.start()
            env = bot_env(api, db_url, bot_config(folder, limiter), limiter)
            try:
                for round_number in range(args.rounds):
                    order = ("echo", "bot") if round_number % 2 == 0 else ("bot", "echo")
                    for which in order:
                        base = 100_000 * (round_number + 1) + (0 if which == "echo" else 50_000)
                        users = range(base, base + args.users)
                        results[which].append(await one_run(api, which, env, args, users,
                                                            questions))  # fmt: skip
            finally:
                await api.stop()
            cpu = {}
            for which in ("echo", "bot"):
                runs = results[which]
                latencies = [v for r in runs for v in r["latencies"]]
                cpu[which] = statistics.median(r["cpu_ms"] for r in runs)
                lines.append(
                    f"| {db_name} | {'on' if limiter else 'off'} | {which} | "
                    f"{statistics.median(r['rate'] for r in runs):.1f} | "
                    f"{percentile(latencies, 0.5):.1f} | {percentile(latencies, 0.99):.1f} | "
                    f"{cpu[which]:.2f} | {statistics.median(r['idle_mib'] for r in runs):.0f} |"
                )
            ratios.append(f"{db_name}, limiter {'on' if limiter else 'off'}: "
                          f"{cpu['bot'] / cpu['echo']:.2f}x")  # fmt: skip
    shutil.rmtree(folder, ignore_errors=True)
    return [*lines, "", "CPU per message, bot ÷ echo bot: " + "; ".join(ratios)]


async def statements_per_question(databases: dict[str, str]) -> list[str]:
    from sqlalchemy import event

    from bot.config import load_config
    from tests.bot_harness import for_mode, reply_to, running_bot, services

    questions = [item.question for item in load() if not item.out_of_scope][:50]
    lines = ["| database | statements per plain question | of which writes |", "|---|---|---|"]
    for db_name, db_url in databases.items():
        api = FakeBotApi()
        await api.start()
        config = load_config(DEFAULT_CONFIG, {
            "ASNBOT_DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": api.token,
            "TELEGRAM_API_BASE_URL": api.base_url})  # fmt: skip
        seen: list[str] = []

        def record(*event_args: Any, seen: list[str] = seen) -> None:
            seen.append(str(event_args[2]).split()[0])

        try:
            # one user asks all 50: the flood limit would rightly drop some
            unlimited = for_mode(config, "polling", user_updates_per_minute=1_000_000)
            async with running_bot(unlimited) as app:
                await reply_to(api, 42, "/start")
                engine = services(app).engine.sync_engine
                event.listen(engine, "before_cursor_execute", record)
                for question in questions:
                    await reply_to(api, 42, question)
                event.remove(engine, "before_cursor_execute", record)
        finally:
            await api.stop()
        writes = sum(s.upper() in ("INSERT", "UPDATE", "DELETE") for s in seen)
        lines.append(f"| {db_name} | {len(seen) / len(questions):.2f} | "
                     f"{writes / len(questions):.2f} |")  # fmt: skip
    return lines


async def stalls(db_url: str) -> list[str]:
    """Other users' replies and the longest loop stall while charts, an import and reloads run."""
    from bot.accounts.linking import link_directly
    from bot.career import demo
    from bot.config import load_config
    from bot.knowledge import versions
    from bot.maintenance import seed
    from tests.bot_harness import for_mode, reply_to, running_bot, services

    slow: list[float] = []
    quiet_slow: list[float] = []

    class SlowCallbacks(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if found := re.search(r"took ([0-9.]+) seconds", record.getMessage()):
                slow.append(float(found.group(1)) * 1000)

    api = FakeBotApi()
    await api.start()
    cache = Path(tempfile.mkdtemp(prefix="asnbot-stall-cache-"))
    config = load_config(DEFAULT_CONFIG, {
        "ASNBOT_DATABASE_URL": db_url, "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url, "ASNBOT_SUPERADMINS": "7"})  # fmt: skip
    config = for_mode(
        config.with_changes(cache_dir=cache), "polling", user_updates_per_minute=1_000_000
    )
    questions = [item.question for item in load()][:40]
    people = demo.generate(200)
    loop = asyncio.get_running_loop()
    handler = SlowCallbacks()
    logging.getLogger("asyncio").addHandler(handler)
    try:
        async with running_bot(config) as app:
            svc = services(app)
            await seed(svc.sessions, 200)
            linked = next(p for p in people if p.competencies)
            await link_directly(svc.sessions, 8, linked.nip)
            await reply_to(api, 8, "/start")
            await chat(api, range(20, 40), ["/start"], 1)  # known users: no first-contact write
            loop.set_debug(True)  # in both phases: debug mode has its own cost
            loop.slow_callback_duration = 0.05
            quiet, _ = await chat(api, range(20, 30), questions, 4)
            quiet_slow = list(slow)
            slow.clear()

            async def heavy() -> None:
                csv = demo.employees_csv(demo.generate(20_000))
                await api.send_document(7, csv, "pegawai.csv")
                for _ in range(3):
                    await reply_to(api, 8, "/kompetensi", within=60)
                for _ in range(3):
                    versions._BUILT.clear()
                    shutil.rmtree(cache, ignore_errors=True)  # a full rebuild each time
                    await reply_to(api, 7, "/muat_ulang", within=60)
                await api.wait_for("sendMessage", 7, 4, 120)

            work = asyncio.ensure_future(heavy())
            busy: list[float] = []
            while not work.done():
                latencies, _ = await chat(api, range(30, 40), questions, 1)
                busy += latencies
            await work
            loop.set_debug(False)
    finally:
        logging.getLogger("asyncio").removeHandler(handler)
        await api.stop()
        shutil.rmtree(cache, ignore_errors=True)
    return [
        "| other users' replies | p50 ms | p99 ms | max ms |", "|---|---|---|---|",
        f"| baseline: nothing heavy running | {percentile(quiet, 0.5):.1f} | "
        f"{percentile(quiet, 0.99):.1f} | {max(quiet):.0f} |",
        f"| during 3 charts, a 20,000-row import and 3 full reloads | "
        f"{percentile(busy, 0.5):.1f} | {percentile(busy, 0.99):.1f} | {max(busy):.0f} |",
        "", f"Callbacks slower than 50 ms (asyncio debug): {len(quiet_slow)} in the baseline "
        f"(longest {max(quiet_slow, default=0):.0f} ms), {len(slow)} during the heavy work "
        f"(longest {max(slow, default=0):.0f} ms).",
    ]  # fmt: skip


def ask_startup() -> list[str]:
    command = [str(VENV_BIN / "asnbot"), "ask", "kp reguler brp thn sekali"]
    cache = Path(tempfile.mkdtemp(prefix="asnbot-ask-cache-"))
    config = bot_config(cache, True)
    text = config.read_text().replace(str(PROJECT_ROOT / "data" / "cache"), str(cache / "idx"))
    config.write_text(text)
    env = {**os.environ, "ASNBOT_CONFIG": str(config)}

    def timed() -> float:
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        return time.perf_counter() - started

    cold = timed()
    warm = [timed() for _ in range(5)]
    shutil.rmtree(cache, ignore_errors=True)
    return [
        "| `asnbot ask` start-up | seconds |",
        "|---|---|",
        f"| cold: the index built and cached | {cold:.2f} |",
        f"| warm: the index read from the cache (median of 5) | {statistics.median(warm):.2f} |",
    ]


async def postgres_database(url: str) -> str | None:
    """The benchmark's PostgreSQL database (created when missing), or None when unreachable."""
    import asyncpg

    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    server, name = plain.rsplit("/", 1)
    try:
        connection = await asyncpg.connect(f"{server}/postgres", timeout=5)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return url


async def run(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-bench-db-"))
    databases = {"SQLite": f"sqlite:///{folder / 'bench.sqlite3'}"}
    if (pg := await postgres_database(args.postgres)) is not None:
        databases["PostgreSQL"] = pg
    sections: list[tuple[str, Awaitable[list[str]]]] = [
        ("Throughput", throughput(args, databases)),
    ]
    for title, job in sections:
        print(f"### {title}\n")
        print("\n".join(await job), "\n", flush=True)
    print("### Statements\n")
    print("\n".join(await statements_per_question(databases)), "\n", flush=True)
    print("### Event loop under heavy work (SQLite)\n")
    print("\n".join(await stalls(f"sqlite:///{folder / 'stall.sqlite3'}")), "\n", flush=True)
    print("### Start-up\n")
    print("\n".join(ask_startup()), flush=True)
    shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = chat_arguments(__doc__, users=50, questions=10, rounds=3)
    postgres_argument(parser)
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
