"""Real `asnbot run` processes on one PostgreSQL database: two of them send each due reminder
exactly once, and one killed mid-send (SIGKILL) leaves the rest to the next, with at most the
message in flight sent twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import DEFAULT_CONFIG, Config
from bot.context import Services
from bot.maintenance import seed
from bot.outbox import store
from bot.rotation import plans
from db.migrate import upgrade
from db.models import Employee, TelegramLink, User
from tests.fake_bot_api import FakeBotApi

ASNBOT = str(Path(sys.executable).parent / "asnbot")
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
    now = svc.clock()
    async with svc.sessions() as session, session.begin():
        people = list(await session.execute(select(Employee.id, Employee.nip)))
        for index, (employee_id, _) in enumerate(people):
            session.add(User(id=FIRST_USER + index, language="id", last_seen_at=now))
            await session.flush()
            session.add(TelegramLink(user_id=FIRST_USER + index, employee_id=employee_id))
        tmt = svc.planner.today(now) + timedelta(days=10)
        rows = [{"nip": nip, "unit_code": "PROV-BKD", "position_name": "Analis",
                 "position_type": "pelaksana", "functional_level": None, "tmt": tmt,
                 "sk_number": "", "cohort": "Proses", "reason": ""}
                for _, nip in people]  # fmt: skip
        await plans.write_rows(session, rows, svc.planner, now)
    await svc.engine.dispose()
    return db_url


def _config_file(folder: Path) -> Path:
    """config.toml with a one-second sweep and 12-second claims, so a test need not wait a
    minute for the sweep or for a killed sender's claims."""
    text = (
        DEFAULT_CONFIG.read_text(encoding="utf-8")
        .replace("sweep_seconds = 60", "sweep_seconds = 1")
        .replace("claim_seconds = 45", "claim_seconds = 12")
    )
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def _start(api: FakeBotApi, db_url: str, config: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ASNBOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
            "ASNBOT_DATABASE_URL": db_url, "ASNBOT_CONFIG": str(config),
            "ASNBOT_SECRET_KEY": "k" * 40}  # fmt: skip
    return await asyncio.create_subprocess_exec(
        ASNBOT, "run", env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


def _reminded(api: FakeBotApi) -> Counter[int]:
    return Counter(
        int(c.params["chat_id"]) for c in api.sent(None)
        if "Pengingat rotasi" in c.params.get("text", "")
    )  # fmt: skip


async def _until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)


async def test_two_processes_send_each_reminder_once(
    planned: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = _config_file(tmp_path)
    first, second = [await _start(fake_api, planned, config) for _ in range(2)]
    try:
        await _until(lambda: len(_reminded(fake_api)) == PEOPLE, 90)
        await asyncio.sleep(4)  # both keep sweeping every second
    finally:
        await _stop(first)
        await _stop(second)
    counts = _reminded(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]
    assert set(counts.values()) == {1}


async def test_a_sender_killed_mid_send_leaves_the_rest_to_the_next_process(
    planned: str, fake_api: FakeBotApi, tmp_path: Path
) -> None:
    config = _config_file(tmp_path)
    first = await _start(fake_api, planned, config)
    try:
        await _until(lambda: sum(_reminded(fake_api).values()) >= 5, 90)
    finally:
        first.kill()  # SIGKILL, mid-send: its claimed rows stay claimed
        await first.wait()
    sent_before = sum(_reminded(fake_api).values())
    assert sent_before < PEOPLE, "the kill came too late to show anything"
    second = await _start(fake_api, planned, config)
    try:
        wait = store.CLAIM_SECONDS + 60
        await _until(lambda: len(_reminded(fake_api)) == PEOPLE, wait)
        await asyncio.sleep(3)
    finally:
        await _stop(second)
    counts = _reminded(fake_api)
    assert sorted(counts) == [FIRST_USER + i for i in range(PEOPLE)]
    # Twice at most for the messages in flight at the kill (sends overlap: a few at 25 a second).
    assert sum(counts.values()) - PEOPLE <= 5
