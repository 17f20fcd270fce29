"""kill -9 at random moments during a mixed workload, repeated: what survives and what repeats.

Run: .venv/bin/python -m benchmarks.chaos [--kills 20] [--postgres URL] [--sqlite] [--seed 7]

The real bot (`asnbot run`, a 1-second sweep, 12-second claims) runs as a subprocess against the
tests' fake Bot API, which runs in this process's event loop. Before the first start the
database holds a broadcast to ``broadcast`` linked people, a due rotation reminder for
``reminders`` more, and codes for people who will link their account. While the bot runs,
``askers`` users ask rule questions from the development set (one at a time, each waiting for its
reply), and in every cycle one more user goes half-way through /daftar and stops there. Each
process is killed with SIGKILL at a seeded random moment (0.3-4 s after its first reply, or
every other time 0-1.5 s after it began sending broadcasts and reminders, which a restarted
sender only does once the dead one's lease ran out), restarted after a short downtime, and so
on ``kills`` times; the last process finishes everything and gets SIGTERM.

Measured:
- every outbox row final (and ``sent``), every broadcast and reminder recipient reached;
- duplicates: messages a recipient got more than once, in all and the most caused by one kill,
  against the in-flight bound (see ``in_flight_bound``);
- questions: answered, lost in flight (the update was confirmed by the killed process's next
  getUpdates, then the process died before replying: Telegram will not deliver it again, the
  unavoidable case), never answered although delivered again (a bug), and replies sent twice
  (answered, then the process died before confirming the update, so the next one answered too);
- each /daftar in progress at a kill: did the next step's reply come after the restart;
- time from a restart (process spawned) to its first reply to a user, median and worst.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.broadcast.audience import Audience
from bot.broadcast.store import Draft
from bot.config import DEFAULT_CONFIG, Config, load_config
from bot.context import Services
from bot.maintenance import seed
from bot.outbox.store import FINAL
from db.migrate import upgrade
from db.models import Employee, OutboxMessage
from tests.bot_processes import SECRET_KEY, config_file, start, stop, until
from tests.fake_bot_api import Call, FakeBotApi
from tests.seeding import link_users, plan_reminders

BROADCAST_TEXT = "Siaran uji chaos"
REMINDER_TEXT = "Pengingat rotasi"
FIRST_RECIPIENT = 300_000
FIRST_ASKER = 400_000
FIRST_LINKER = 500_000
PROBE = 600_000  # asks one question at every start, so each process has a reply to time
DEAD_GRACE = 0.5  # seconds after a kill before its requests are surely all in
ANSWER_WITHIN = 90.0  # a question still unanswered after this long never will be
PAUSE_BETWEEN_QUESTIONS = (2.0, 3.5)  # one asker stays under the 30-a-minute flood limit
APOLOGIES = ("terjadi kesalahan", "Pelan-pelan")  # error.generic, flood.slow_down
LINK_STEPS = (("/daftar", "Kirim NIP"), ("{nip}", "kode tautan"), ("{code}", "tertaut sebagai"))


@dataclass(frozen=True)
class Plan:
    kills: int = 20
    broadcast: int = 600
    reminders: int = 100
    askers: int = 12
    seed: int = 7
    kill_after: tuple[float, float] = (0.3, 4.0)  # seconds after the process's first reply
    downtime: tuple[float, float] = (0.1, 1.0)
    tail: float = 3.0  # seconds the last process serves the askers before they stop
    per_second: int = 25  # [outbox] messages_per_second, read from config.toml


class RecordingApi(FakeBotApi):
    """The fake Bot API, also noting when each update was first confirmed (a getUpdates offset
    above its id): an update confirmed is never delivered again."""

    def __init__(self) -> None:
        super().__init__()
        self.confirmed: dict[int, float] = {}
        self._highest = 1

    async def api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        now = time.monotonic()
        for update_id in range(self._highest, offset):
            self.confirmed[update_id] = now
        self._highest = max(self._highest, offset)
        return await super().api_getupdates(params)


@dataclass
class Timeline:
    """When each process (generation) started and was killed."""

    spawned: list[float] = field(default_factory=list)
    killed: list[float | None] = field(default_factory=list)

    def generation(self, at: float) -> int:
        return bisect.bisect_right(self.spawned, at) - 1

    def dead(self, generation: int) -> bool:
        killed = self.killed[generation]
        return killed is not None and time.monotonic() - killed > DEAD_GRACE


@dataclass
class Exchange:
    """One message of a user and what came back."""

    user: int
    update_id: int
    outcome: str  # "answered", "lost" (in flight at a kill) or "unanswered"
    replies: list[Call]
    answered_by: int | None = None  # the generation of the first reply
    while_down: bool = False  # sent between a kill and the next start

    @property
    def first_text(self) -> str:
        return str(self.replies[0].params.get("text", "")) if self.replies else ""


@dataclass
class Linking:
    """One /daftar stopped half-way at a kill."""

    user: int
    held_at: int  # the step index it waited at
    in_progress_at_kill: bool = False
    resumed: bool = False  # the step sent after the restart got its expected reply
    linked: bool = False


@dataclass
class Linker:
    user: int
    nip: str
    code: str


@dataclass
class Run:
    api: RecordingApi
    url: str
    config_file: Path
    plan: Plan
    rng: random.Random
    timeline: Timeline = field(default_factory=Timeline)
    exchanges: list[Exchange] = field(default_factory=list)
    linkings: list[Linking] = field(default_factory=list)
    resume: asyncio.Event = field(default_factory=asyncio.Event)
    stop_asking: asyncio.Event = field(default_factory=asyncio.Event)
    process: asyncio.subprocess.Process | None = None

    async def spawn(self) -> None:
        self.timeline.spawned.append(time.monotonic())
        self.timeline.killed.append(None)
        self.process = await start(self.api, self.url, self.config_file)
        self.resume.set()  # a /daftar held at the kill sends its next step now
        self.resume = asyncio.Event()

    async def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        await self.process.wait()
        self.timeline.killed[-1] = time.monotonic()


# -- the database before the first start ----------------------------------------------------------
def bench_config(url: str) -> Config:
    return load_config(
        DEFAULT_CONFIG, {"ASNBOT_DATABASE_URL": url, "ASNBOT_SECRET_KEY": SECRET_KEY}
    )


async def prepare(svc: Services, plan: Plan) -> list[Linker]:
    """Employees; a broadcast to the first ``broadcast`` (linked), a due reminder for the next
    ``reminders`` (linked after the broadcast was made); the rest get codes to link with."""
    await upgrade(svc.engine)
    await seed(svc.sessions, plan.broadcast + plan.reminders + plan.kills)
    async with svc.sessions() as session:
        people = list(
            await session.execute(select(Employee.id, Employee.nip).order_by(Employee.id))
        )
    recipients = [e for e, _ in people[: plan.broadcast]]
    await link_users(svc, recipients, FIRST_RECIPIENT)
    made = await svc.broadcasts.create(None, Draft(BROADCAST_TEXT, Audience()))
    assert made.recipients == plan.broadcast, made
    reminded = people[plan.broadcast : plan.broadcast + plan.reminders]
    await link_users(svc, [e for e, _ in reminded], FIRST_RECIPIENT + plan.broadcast)
    await plan_reminders(svc, [n for _, n in reminded], "Chaos")
    rest = people[plan.broadcast + plan.reminders :]
    return [await _linker(svc, FIRST_LINKER + i, nip) for i, (_, nip) in enumerate(rest)]


async def _linker(svc: Services, user: int, nip: str) -> Linker:
    """An account that agreed to the privacy notice, with a code from HR for its NIP."""
    await svc.users.touch(user, "id")
    await svc.users.give_consent(user)
    issued = await svc.links.issue_code(nip, None)
    assert issued is not None
    return Linker(user, nip, issued.code)


# -- users ----------------------------------------------------------------------------------------
async def exchange(run: Run, user: int, text: str) -> Exchange:
    """Send ``text`` and wait until it is settled: answered (and, when a process answered it but
    died before confirming it, until the next process answered it again or died too), lost in
    flight (confirmed by a process that then died without replying) or never answered."""
    before = len(run.api.sent(user))
    down = run.timeline.killed[-1] is not None  # the last process died, none started since
    done = await _settle(run, user, before, await run.api.send_text(user, text))
    done.while_down = down
    return done


async def _settle(run: Run, user: int, before: int, update_id: int) -> Exchange:
    api, timeline = run.api, run.timeline
    deadline = time.monotonic() + ANSWER_WITHIN
    while True:
        replies = api.sent(user)[before:]
        confirmed = api.confirmed.get(update_id)
        by = timeline.generation(confirmed) if confirmed is not None else None
        if replies and by is not None:
            first = timeline.generation(replies[0].at)
            if by <= first or len(replies) > 1 or timeline.dead(by):
                return Exchange(user, update_id, "answered", replies, first)
        elif by is not None and timeline.dead(by):
            return Exchange(user, update_id, "lost", [])
        if time.monotonic() > deadline:
            if not replies:
                return Exchange(user, update_id, "unanswered", [])
            return Exchange(
                user, update_id, "answered", replies, timeline.generation(replies[0].at)
            )
        await asyncio.sleep(0.05)


async def ask(run: Run, user: int, text: str) -> Exchange:
    done = await exchange(run, user, text)
    run.exchanges.append(done)
    return done


async def asker(run: Run, user: int, questions: list[str], rng: random.Random) -> None:
    """Ask, wait for the reply, pause; until told to stop."""
    while not run.stop_asking.is_set():
        await ask(run, user, rng.choice(questions))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.stop_asking.wait(), rng.uniform(*PAUSE_BETWEEN_QUESTIONS))


async def link_step(run: Run, linker: Linker, step: int) -> bool:
    """One step of /daftar, sent again when it was lost in flight; True if the reply expected
    for this step came."""
    text, expected = LINK_STEPS[step]
    text = text.format(nip=linker.nip, code=linker.code)
    for _ in range(3):
        done = await exchange(run, linker.user, text)
        if done.outcome != "lost":
            return expected in done.first_text
    return False


async def linking(run: Run, linker: Linker, held_at: int) -> Linking:
    """/daftar up to step ``held_at``, then wait for the next restart, then the rest."""
    record = Linking(linker.user, held_at)
    run.linkings.append(record)
    resume = run.resume
    for step in range(held_at):
        if not await link_step(run, linker, step):
            return record
    record.in_progress_at_kill = not resume.is_set()  # else the restart came before this step
    await resume.wait()
    record.resumed = await link_step(run, linker, held_at)
    for step in range(held_at + 1, len(LINK_STEPS)):
        if not await link_step(run, linker, step):
            return record
    record.linked = record.resumed
    return record


# -- the cycles -----------------------------------------------------------------------------------
def interactive(user: int) -> bool:
    return user >= FIRST_ASKER


async def first_reply(run: Run) -> None:
    """Wait for this process's first message to a user who wrote (the probe asks at start)."""
    started = run.timeline.spawned[-1]
    probe = asyncio.create_task(ask(run, PROBE, "Berapa batas usia pensiun PNS?"))
    await until(lambda: any(c.at >= started for c in _replies(run.api)), 120)
    await probe


def _replies(api: FakeBotApi) -> list[Call]:
    return [c for c in api.sent(None) if interactive(int(c.params.get("chat_id", 0)))]


async def cycles(run: Run, linkers: list[Linker], tasks: list[asyncio.Task[Any]]) -> None:
    for cycle in range(run.plan.kills):
        await run.spawn()
        await first_reply(run)
        held_at = 1 + cycle % 2  # at the NIP step, then at the code step, alternately
        tasks.append(asyncio.create_task(linking(run, linkers[cycle], held_at)))
        await kill_moment(run, during_sending=cycle % 2 == 1)
        await run.kill()
        await asyncio.sleep(run.rng.uniform(*run.plan.downtime))
    await run.spawn()
    await first_reply(run)


async def kill_moment(run: Run, during_sending: bool) -> None:
    """Wait for the moment of the kill: a random time after the first reply, or (every other
    cycle) a random time up to 1.5 s after this process's first broadcast or reminder went
    out, so kills also land mid-send (a restarted sender waits for the dead one's lease)."""
    started, rng = run.timeline.spawned[-1], run.rng
    if during_sending:
        try:
            await until(lambda: any(c.at >= started for c in _outbox_sends(run.api)), 15)
            await asyncio.sleep(rng.uniform(0.0, 1.5))
            return
        except TimeoutError:
            pass  # nothing left to send: a moment like the others
    await asyncio.sleep(rng.uniform(*run.plan.kill_after))


def _outbox_sends(api: FakeBotApi) -> list[Call]:
    return [c for c in api.sent(None) if not interactive(int(c.params.get("chat_id", 0)))]


async def finish(run: Run, svc: Services, tasks: list[asyncio.Task[Any]]) -> None:
    """The last process serves a little longer, sends everything, and is stopped."""
    await asyncio.sleep(run.plan.tail)
    run.stop_asking.set()
    await asyncio.gather(*tasks)
    everyone = run.plan.broadcast + run.plan.reminders
    try:
        await until(lambda: len(delivered(run.api)) == everyone, 300)
        await _drained(svc, 60)
    except TimeoutError:
        print("not everything was delivered within the wait", file=sys.stderr)
    await asyncio.sleep(2)  # anything sent twice late shows up
    assert run.process is not None
    await stop(run.process)


async def _drained(svc: Services, within: float) -> None:
    deadline = time.monotonic() + within
    while (await outbox_states(svc)).keys() - set(FINAL):
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.5)


async def outbox_states(svc: Services) -> dict[str, int]:
    async with svc.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
        return {state: count for state, count in rows}


def delivered(api: FakeBotApi) -> Counter[int]:
    """Broadcast and reminder messages received, per chat."""
    return Counter(
        int(c.params["chat_id"]) for c in api.sent(None)
        if BROADCAST_TEXT in (t := str(c.params.get("text", ""))) or REMINDER_TEXT in t
    )  # fmt: skip


# -- the figures ----------------------------------------------------------------------------------
def in_flight_bound(plan: Plan) -> int:
    """Messages one kill can make go out twice: those Telegram accepted whose row was not yet
    marked sent. The sender starts one message every 1/per_second s and marks each right after
    its answer, so more than per_second unmarked at once would need a send and its mark to take
    over a second; per_second is also the batch one claim takes (``Sender._batch``)."""
    return plan.per_second


def reply_bound(plan: Plan) -> int:
    """Replies one kill can make go out twice, or lose: each user has at most one message
    waiting (users wait for their reply), and only the updates of the last getUpdates batch
    are unconfirmed (or confirmed but not yet answered) at the kill."""
    return plan.askers + plan.kills + 1  # askers, the /daftar users, the probe


@dataclass
class Figures:
    plan: Plan
    outbox: dict[str, int]
    received: Counter[int]
    expected_recipients: list[int]
    duplicates_by_kill: Counter[int]
    reply_duplicates_by_kill: Counter[int]
    lost_by_kill: Counter[int]
    questions: int
    answered: int
    unanswered: int
    asked_while_down: int
    answered_while_down: int
    apologies: int  # answered with an error or a slow-down note instead of an answer
    linkings: list[Linking]  # those in progress at a kill
    linked: int  # accounts linked in the end, of ``plan.kills`` that began /daftar
    first_reply_seconds: list[float]
    kills_while_sending: int

    @property
    def undelivered(self) -> int:
        return sum(1 for chat in self.expected_recipients if not self.received[chat])

    @property
    def not_final(self) -> int:
        return sum(n for state, n in self.outbox.items() if state not in FINAL)

    @property
    def not_sent(self) -> int:
        return sum(n for state, n in self.outbox.items() if state != "sent")

    @property
    def duplicates(self) -> int:
        return sum(self.duplicates_by_kill.values())

    @property
    def lost(self) -> int:
        return sum(self.lost_by_kill.values())


def figures(run: Run, outbox: dict[str, int]) -> Figures:
    plan, api, timeline = run.plan, run.api, run.timeline
    questions = [e for e in run.exchanges if e.user < FIRST_LINKER or e.user == PROBE]
    everyone = plan.broadcast + plan.reminders
    return Figures(
        plan=plan,
        outbox=outbox,
        received=delivered(api),
        expected_recipients=list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + everyone)),
        duplicates_by_kill=_outbox_duplicates(api, timeline),
        reply_duplicates_by_kill=_reply_duplicates(run.exchanges),
        lost_by_kill=_lost(run),
        questions=len(questions),
        answered=sum(e.outcome == "answered" for e in questions),
        unanswered=sum(e.outcome == "unanswered" for e in questions),
        asked_while_down=sum(e.while_down for e in questions),
        answered_while_down=sum(e.while_down and e.outcome == "answered" for e in questions),
        apologies=sum(any(a in e.first_text for a in APOLOGIES) for e in questions),
        linkings=[r for r in run.linkings if r.in_progress_at_kill],
        linked=sum(r.linked for r in run.linkings),
        first_reply_seconds=_first_replies(api, timeline),
        kills_while_sending=_kills_while_sending(api, timeline),
    )


def _outbox_duplicates(api: FakeBotApi, timeline: Timeline) -> Counter[int]:
    """Each message received again, charged to the process that sent the previous copy."""
    by_kill: Counter[int] = Counter()
    copies: dict[tuple[int, str], list[float]] = {}
    for call in api.sent(None):
        text = str(call.params.get("text", ""))
        for marker in (BROADCAST_TEXT, REMINDER_TEXT):
            if marker in text:
                copies.setdefault((int(call.params["chat_id"]), marker), []).append(call.at)
    for times in copies.values():
        for earlier in times[:-1]:
            by_kill[timeline.generation(earlier)] += 1
    return by_kill


def _reply_duplicates(exchanges: list[Exchange]) -> Counter[int]:
    by_kill: Counter[int] = Counter()
    for done in exchanges:
        if len(done.replies) > 1 and done.answered_by is not None:
            by_kill[done.answered_by] += len(done.replies) - 1
    return by_kill


def _lost(run: Run) -> Counter[int]:
    by_kill: Counter[int] = Counter()
    for done in run.exchanges:
        if done.outcome == "lost":
            by_kill[run.timeline.generation(run.api.confirmed[done.update_id])] += 1
    return by_kill


def _first_replies(api: FakeBotApi, timeline: Timeline) -> list[float]:
    """Seconds from each restart (not the first start) to that process's first reply."""
    firsts: dict[int, float] = {}
    for call in _replies(api):
        firsts.setdefault(timeline.generation(call.at), call.at)
    return [
        firsts[g] - timeline.spawned[g] for g in range(1, len(timeline.spawned)) if g in firsts
    ]


def _kills_while_sending(api: FakeBotApi, timeline: Timeline) -> int:
    """Kills that came less than a second after a broadcast or reminder went out."""
    sends = sorted(c.at for c in _outbox_sends(api))
    count = 0
    for killed in timeline.killed:
        if killed is not None:
            index = bisect.bisect_left(sends, killed - 1.0)
            count += index < len(sends) and sends[index] <= killed
    return count


# -- running --------------------------------------------------------------------------------------
async def chaos(url: str, plan: Plan, folder: Path) -> Figures:
    """The whole run on an empty database at ``url``."""
    config = bench_config(url)
    plan = replace(plan, per_second=int(config.messages_per_second))
    svc = Services.create(config)
    api = RecordingApi()
    await api.start()
    run = Run(api, url, config_file(folder), plan, random.Random(plan.seed))
    tasks: list[asyncio.Task[Any]] = []
    try:
        linkers = await prepare(svc, plan)
        questions = in_scope_questions()
        for index in range(plan.askers):
            rng = random.Random(plan.seed * 1000 + index)
            tasks.append(asyncio.create_task(asker(run, FIRST_ASKER + index, questions, rng)))
        await cycles(run, linkers, tasks)
        await finish(run, svc, tasks)
        return figures(run, await outbox_states(svc))
    finally:
        run.stop_asking.set()
        if run.process is not None and run.process.returncode is None:
            run.process.kill()
            await run.process.wait()
        await api.stop()
        await svc.engine.dispose()


def in_scope_questions() -> list[str]:
    from benchmarks.devset import load

    return [item.question for item in load() if not item.out_of_scope]


async def reset_postgres(url: str) -> None:
    """Create the database when missing and empty its public schema."""
    import asyncpg

    from benchmarks.throughput import postgres_database

    if await postgres_database(url) is None:
        raise SystemExit(f"PostgreSQL is not reachable at {url}")
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


# -- the report -----------------------------------------------------------------------------------
def table(name: str, f: Figures) -> list[str]:
    plan = f.plan
    linked = sum(r.resumed for r in f.linkings)
    median = statistics.median(f.first_reply_seconds) if f.first_reply_seconds else float("nan")
    worst = max(f.first_reply_seconds, default=float("nan"))
    rows: list[tuple[str, str]] = [
        ("kills (SIGKILL), then one SIGTERM", f"{plan.kills}"),
        ("kills within 1 s of an outbox send", f"{f.kills_while_sending}"),
        ("outbox rows by state", ", ".join(f"{s} {n}" for s, n in sorted(f.outbox.items()))),
        ("outbox rows not final / not sent", f"{f.not_final} / {f.not_sent}"),
        ("broadcast + reminder recipients reached",
         f"{len(f.expected_recipients) - f.undelivered} of {len(f.expected_recipients)} "
         f"({plan.broadcast} broadcast, {plan.reminders} reminders)"),
        ("outbox duplicates: total / most from one kill (bound)",
         f"{f.duplicates} / {max(f.duplicates_by_kill.values(), default=0)} "
         f"({in_flight_bound(plan)})"),
        ("questions asked (askers + probe)", f"{f.questions} ({plan.askers} askers)"),
        ("answered / lost in flight / never answered",
         f"{f.answered} / {f.lost} / {f.unanswered}"),
        ("asked while no process ran / answered later",
         f"{f.asked_while_down} / {f.answered_while_down}"),
        ("answered with an apology (error or flood note)", f"{f.apologies}"),
        ("lost in flight: most from one kill (bound)",
         f"{max(f.lost_by_kill.values(), default=0)} ({reply_bound(plan)})"),
        ("replies sent twice: total / most from one kill (bound)",
         f"{sum(f.reply_duplicates_by_kill.values())} / "
         f"{max(f.reply_duplicates_by_kill.values(), default=0)} ({reply_bound(plan)})"),
        ("/daftar in progress at a kill: resumed after restart", f"{linked} of {len(f.linkings)}"),
        ("/daftar begun / linked in the end", f"{plan.kills} / {f.linked}"),
        ("restart to first reply: median / worst", f"{median:.2f} s / {worst:.2f} s"),
    ]  # fmt: skip
    lines = [f"### {name}", "", "| figure | value |", "|---|---|"]
    return lines + [f"| {k} | {v} |" for k, v in rows] + [""]


def machine() -> str:
    return (
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


async def main(args: argparse.Namespace) -> None:
    plan = Plan(kills=args.kills, broadcast=args.broadcast, reminders=args.reminders,
                askers=args.askers, seed=args.seed)  # fmt: skip
    databases: list[tuple[str, str]] = []
    if not args.sqlite_only:
        await reset_postgres(args.postgres)
        databases.append(("PostgreSQL", args.postgres))
    folder = Path(tempfile.mkdtemp(prefix="asnbot-chaos-"))
    if args.sqlite or args.sqlite_only:
        databases.append(("SQLite", f"sqlite:///{folder / 'chaos.sqlite3'}"))
    print(machine(), "\n")
    for name, url in databases:
        work = folder / name.lower()
        work.mkdir()
        began = time.monotonic()
        result = await chaos(url, plan, work)
        print("\n".join(table(f"{name} (run took {time.monotonic() - began:.0f} s)", result)))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--broadcast", type=int, default=600)
    parser.add_argument("--reminders", type=int, default=100)
    parser.add_argument("--askers", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/asnbot_bench")
    parser.add_argument("--sqlite", action="store_true", help="also run on a SQLite file")
    parser.add_argument("--sqlite-only", action="store_true", help="only SQLite")
    return parser.parse_args(argv)


def cli() -> None:
    asyncio.run(main(parse()))


if __name__ == "__main__":
    cli()
