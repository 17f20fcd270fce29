"""Faults around the bot: Telegram answering 5xx for a while, the database stopped and started.
Each time users and the messages waiting to go out must come through once it is over, with
nothing lost and nobody served twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from bot import safe_updates
from bot.broadcast.audience import Audience
from bot.broadcast.store import Draft
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from bot.outbox import sender
from db.migrate import upgrade
from db.models import Employee, OutboxMessage
from tests.bot_harness import for_mode, free_port, reply_to, running_bot, services
from tests.bot_processes import until
from tests.fake_bot_api import FakeBotApi
from tests.seeding import link_users, plan_reminders

PEOPLE = 12
FIRST_USER = 91_000
ASKER = 91_900
BROADCAST = "Siaran saat gangguan"


async def link_people(svc: Services) -> list[int]:
    """PEOPLE employees linked to Telegram users, half of them with a rotation whose 14-day
    reminder is due now; their user ids."""
    await seed(svc.sessions, PEOPLE)
    async with svc.sessions() as session:
        people = list(await session.execute(select(Employee.id, Employee.nip)))
    await link_users(svc, [e for e, _ in people], FIRST_USER)
    await plan_reminders(svc, [nip for _, nip in people[: PEOPLE // 2]])
    return [FIRST_USER + i for i in range(len(people))]


def received(api: FakeBotApi, marker: str) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"]) for c in api.sent(None) if marker in c.params.get("text", "")
    )


@pytest.fixture
def short_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sender's outage waits in tenths of what they are, so the test is short."""
    monkeypatch.setattr(sender, "OUTAGE_PAUSES", (0.2, 2.0))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_reply_that_meets_a_5xx_is_sent_again_once(
    make_config: Callable[..., Config], fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(safe_updates, "REPLY_RETRY_PAUSES", (0.1, 0.3))
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config):
        await reply_to(fake_api, ASKER, "/start")
        before = len(fake_api.sent(ASKER))
        fake_api.failing_sends = 2  # Telegram's gateway fails twice, then answers
        await fake_api.send_text(ASKER, "berapa lama masa kerja minimal untuk mutasi?")
        await fake_api.wait_for("sendMessage", ASKER, before + 1)
        await asyncio.sleep(0.5)  # anything more would come by now
        fake_api.failing_sends = 3  # three times: the bot gives up, and says nothing twice
        await fake_api.send_text(ASKER, "kapan kenaikan pangkat reguler?")
        await asyncio.sleep(1.0)
    assert fake_api.refused_chats[ASKER] == 5
    answers = fake_api.texts(ASKER)[before:]
    assert len(answers) == 1  # the first question's reply, once
    assert "kesalahan" not in answers[0]


async def test_telegram_answering_5xx_for_a_while_loses_and_repeats_nothing(
    make_config: Callable[..., Config], fake_api: FakeBotApi, short_pauses: None, db_url: str
) -> None:
    if db_url.startswith("postgresql"):
        pytest.skip("the sender waits the same way on both databases; SQLite shows it")
    config = for_mode(make_config(fake_api), "polling").with_changes(sweep_seconds=1)
    async with running_bot(config) as app:
        svc = services(app)
        users = await link_people(svc)
        fake_api.down = True
        await svc.broadcasts.create(None, Draft(BROADCAST, Audience()))
        await fake_api.send_text(ASKER, "berapa lama masa kerja minimal untuk mutasi?")
        # The sender keeps trying, waiting longer each time, until a row has met it twice.
        await until(lambda: max(fake_api.refused_chats.values(), default=0) >= 2, 60)
        fake_api.down = False
        await until(lambda: len(received(fake_api, BROADCAST)) == PEOPLE, 60)
        await until(lambda: len(received(fake_api, "Pengingat rotasi")) == PEOPLE // 2, 60)
        await fake_api.wait_for("sendMessage", ASKER, within=60)
        await asyncio.sleep(2)  # time for anything sent twice to show
        async with svc.sessions() as session:
            rows = list(await session.execute(select(OutboxMessage.state, OutboxMessage.attempts)))
    assert set(received(fake_api, BROADCAST)) == set(users)
    assert set(received(fake_api, BROADCAST).values()) == {1}
    assert set(received(fake_api, "Pengingat rotasi").values()) == {1}
    assert {state for state, _ in rows} == {"sent"}
    assert set(fake_api.refused_chats) <= set(users)
    # One attempt at most is counted for the whole outage: five outages would still not fail it.
    assert max(attempts for _, attempts in rows) <= 1
    assert len(fake_api.sent(ASKER)) == 1


POSTGRES_BIN = Path("/usr/lib/postgresql")


class OwnPostgres:
    """A PostgreSQL server of the test's own (initdb in a temporary folder, a free port), so
    it can be stopped and started without touching the machine's shared one."""

    def __init__(self, folder: Path) -> None:
        found = sorted(POSTGRES_BIN.glob("*/bin/pg_ctl"))
        if not found or shutil.which("runuser") is None or os.geteuid() != 0:
            pytest.skip("needs PostgreSQL's server binaries and root to run them as postgres")
        self.bin = found[-1].parent
        self.folder = folder
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True,
                       capture_output=True, timeout=60)  # fmt: skip

    def create(self) -> None:
        os.chown(self.folder, pwd.getpwnam("postgres").pw_uid, -1)
        self._run(str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-A", "trust",
                  "-U", "postgres", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
                  "-l", str(self.folder / "log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                  "-w", "stop")  # fmt: skip


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    # Not under pytest's temporary folder: the postgres user cannot enter root's.
    folder = Path(tempfile.mkdtemp(prefix="asnbot-own-pg-"))
    folder.chmod(0o755)
    try:
        server = OwnPostgres(folder)
        server.create()
        server.start()
        yield server
        with contextlib.suppress(subprocess.CalledProcessError):
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def test_postgresql_stopped_and_started_the_bot_apologises_then_recovers_by_itself(
    make_config: Callable[..., Config], fake_api: FakeBotApi, own_postgres: OwnPostgres,
    db_url: str,
) -> None:  # fmt: skip
    if not db_url.startswith("sqlite"):
        pytest.skip("runs once, on a PostgreSQL server of its own")
    config = for_mode(make_config(fake_api), "polling").with_changes(
        database_url=own_postgres.url, sweep_seconds=1
    )
    asker, question = ASKER, "berapa lama masa kerja minimal untuk mutasi?"
    svc = Services.create(config)
    await upgrade(svc.engine)
    await svc.engine.dispose()
    async with running_bot(config) as app:
        svc = services(app)
        users = await link_people(svc)
        answer = await reply_to(fake_api, asker, question, within=30)
        await until(lambda: len(received(fake_api, "Pengingat rotasi")) == PEOPLE // 2, 60)

        own_postgres.stop()
        down = await reply_to(fake_api, asker, question, within=30)
        with pytest.raises((DBAPIError, OSError)):  # HR cannot queue anything either
            await svc.broadcasts.create(None, Draft(BROADCAST, Audience()))
        await asyncio.sleep(3)  # sweeps meet the stopped database
        own_postgres.start()

        # The same bot, not restarted: the next message is answered, the sender goes on.
        again = await reply_to(fake_api, asker, question, within=30)
        others = [await reply_to(fake_api, asker + n, question, within=30) for n in (1, 2, 3)]
        await svc.broadcasts.create(None, Draft(BROADCAST, Audience()))
        await until(lambda: len(received(fake_api, BROADCAST)) == PEOPLE, 60)
        await asyncio.sleep(2)
    assert "coba lagi" in down.params["text"]
    assert "coba lagi" not in answer.params["text"]
    assert again.params["text"] == answer.params["text"]
    assert [o.params["text"] for o in others] == [answer.params["text"]] * 3
    assert len(fake_api.sent(asker)) == 3  # one apology, no second one
    assert set(received(fake_api, BROADCAST)) == set(users)
    assert set(received(fake_api, BROADCAST).values()) == {1}
    assert set(received(fake_api, "Pengingat rotasi").values()) == {1}
