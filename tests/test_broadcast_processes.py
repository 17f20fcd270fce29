"""Real `asnbot run` processes on one PostgreSQL database carry out a broadcast: two of them
never send one recipient's message twice, and after a kill -9 the next process goes on where
the killed one stopped (nobody skipped; at most the messages in flight at the kill twice)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.broadcast.audience import Audience
from bot.broadcast.store import Draft
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.migrate import upgrade
from db.models import Employee, TelegramLink, User
from tests.bot_processes import config_file, start, stop, until
from tests.fake_bot_api import FakeBotApi

PEOPLE = 150
FIRST_USER = 80_000
TEXT = "Siaran uji proses"


@pytest.fixture
async def queued(make_config: Callable[..., Config], db_url: str) -> str:
    """PEOPLE linked employees and one broadcast to all of them, queued."""
    if not db_url.startswith("postgresql"):
        pytest.skip("two bot processes share a PostgreSQL database")
    svc = Services.create(make_config())
    await upgrade(svc.engine)
    await seed(svc.sessions, PEOPLE)
    async with svc.sessions() as session, session.begin():
        ids = list(await session.scalars(select(Employee.id).order_by(Employee.id)))
        session.add_all([User(id=FIRST_USER + i, language="id") for i in range(len(ids))])
        await session.flush()
        session.add_all([TelegramLink(user_id=FIRST_USER + i, employee_id=e)
                         for i, e in enumerate(ids)])  # fmt: skip
    made = await svc.broadcasts.create(None, Draft(TEXT, Audience()))
    assert made.recipients == PEOPLE
    await svc.engine.dispose()
    return db_url


def _received(api: FakeBotApi) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"]) for c in api.sent(None) if TEXT in c.params.get("text", "")
    )


async def test_two_processes_send_each_recipient_the_broadcast_once(
    queued: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = config_file(tmp_path)
    first, second = [await start(fake_api, queued, config) for _ in range(2)]
    try:
        await until(lambda: len(_received(fake_api)) == PEOPLE, 120)
        await asyncio.sleep(4)  # both keep sweeping every second
    finally:
        await stop(first)
        await stop(second)
    counts = _received(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]
    assert set(counts.values()) == {1}


async def test_a_broadcast_killed_mid_way_goes_on_after_a_restart(
    queued: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = config_file(tmp_path)
    first = await start(fake_api, queued, config)
    try:
        await until(lambda: sum(_received(fake_api).values()) >= 30, 90)
    finally:
        first.kill()  # SIGKILL mid-way: its claimed rows stay claimed until their claim ends
        await first.wait()
    before = sum(_received(fake_api).values())
    assert before < PEOPLE, "the kill came too late to show anything"
    second = await start(fake_api, queued, config)
    try:
        await until(lambda: len(_received(fake_api)) == PEOPLE, 180)
        await asyncio.sleep(3)
    finally:
        await stop(second)
    counts = _received(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]  # nobody skipped
    # Twice at most for the messages in flight at the kill: a few, at 25 a second.
    assert sum(counts.values()) - PEOPLE <= 5
