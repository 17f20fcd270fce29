"""Real `asnbot run` processes on one PostgreSQL database: two of them send each due reminder
exactly once, and one killed mid-send (SIGKILL) leaves the rest to the next, with at most the
message in flight sent twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from bot.outbox import store
from db.migrate import upgrade
from db.models import Employee
from tests.bot_processes import config_file, start, stop, until
from tests.fake_bot_api import FakeBotApi
from tests.seeding import link_users, plan_reminders

PEOPLE = 40
FIRST_USER = 6_000


@pytest.fixture
async def planned(make_config: Callable[..., Config], db_url: str) -> str:
    """PEOPLE linked employees whose 14-day reminder fell due this morning."""
    if not db_url.startswith("postgresql"):
        pytest.skip("two bot processes share a PostgreSQL database")
    svc = Services.create(make_config())
    await upgrade(svc.engine)
    await seed(svc.sessions, PEOPLE)
    async with svc.sessions() as session:
        people = list(await session.execute(select(Employee.id, Employee.nip)))
    await link_users(svc, [employee for employee, _ in people], FIRST_USER)
    await plan_reminders(svc, [nip for _, nip in people], "Proses")
    await svc.engine.dispose()
    return db_url


def _reminded(api: FakeBotApi) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"]) for c in api.sent(None)
        if "Pengingat rotasi" in c.params.get("text", "")
    )  # fmt: skip


async def test_two_processes_send_each_reminder_once(
    planned: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = config_file(tmp_path)
    first, second = [await start(fake_api, planned, config) for _ in range(2)]
    try:
        await until(lambda: len(_reminded(fake_api)) == PEOPLE, 90)
        await asyncio.sleep(4)  # both keep sweeping every second
    finally:
        await stop(first)
        await stop(second)
    counts = _reminded(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]
    assert set(counts.values()) == {1}


async def test_a_sender_killed_mid_send_leaves_the_rest_to_the_next_process(
    planned: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = config_file(tmp_path)
    first = await start(fake_api, planned, config)
    try:
        await until(lambda: sum(_reminded(fake_api).values()) >= 5, 90)
    finally:
        first.kill()  # SIGKILL, mid-send: its claimed rows stay claimed
        await first.wait()
    sent_before = sum(_reminded(fake_api).values())
    assert sent_before < PEOPLE, "the kill came too late to show anything"
    second = await start(fake_api, planned, config)
    try:
        wait = store.CLAIM_SECONDS + 60
        await until(lambda: len(_reminded(fake_api)) == PEOPLE, wait)
        await asyncio.sleep(3)
    finally:
        await stop(second)
    counts = _reminded(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]
    # Twice at most for the messages in flight at the kill (sends overlap: a few at 25 a second).
    assert sum(counts.values()) - PEOPLE <= 5
