"""One read per update, writes only when something changed, lock errors retried, CPU work off
the event loop (issue 8)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.accounts.dialogs import Dialog
from bot.accounts.users import SEEN_EVERY
from bot.config import Config
from bot.context import Services
from db.base import utcnow
from db.models import User
from tests.bot_harness import for_mode, reply_to, running_bot, services
from tests.fake_bot_api import FakeBotApi

ASN = 9101


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """The SQL statements the engine sends while the block runs."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]).split()[0].upper())

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_a_plain_question_costs_one_read_and_no_write(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config) as app:
        svc = services(app)
        await reply_to(fake_api, ASN, "/start")
        with statements(svc.engine) as sent:
            answer = await reply_to(fake_api, ASN, "kp reguler brp thn sekali?")
    assert "4 tahun" in answer.params["text"]
    assert sent == ["SELECT"]


async def test_last_seen_is_written_only_when_stale(services: Services) -> None:
    await services.users.touch(ASN, "id")
    with statements(services.engine) as fresh:
        await services.users.touch(ASN, "id")
    async with services.sessions() as session, session.begin():
        stale = utcnow() - SEEN_EVERY - timedelta(seconds=1)
        await session.execute(update(User).where(User.id == ASN).values(last_seen_at=stale))
    with statements(services.engine) as old:
        info = await services.users.touch(ASN, "id")
    async with services.sessions() as session:
        user = await session.get(User, ASN)
    assert "UPDATE" not in fresh
    assert "UPDATE" in old
    assert info.first_contact is False
    assert user is not None
    assert user.last_seen_at > stale


async def test_the_gate_reads_the_link_and_the_open_dialogue_with_the_user(
    services: Services,
) -> None:
    await services.users.touch(ASN, "id")
    await services.dialogs.save(ASN, Dialog("link", "code", {"nip": "1"}))
    info = await services.users.touch(ASN, "en")
    assert info.dialog == Dialog("link", "code", {"nip": "1"})
    assert info.employee_id is None


async def test_a_lock_held_longer_than_the_busy_timeout_is_retried(
    make_config: Callable[..., Config], tmp_path: Path
) -> None:
    config = make_config(sqlite_busy_timeout_ms=300)
    if "sqlite" not in config.database_url:
        pytest.skip("the write lock is SQLite's")
    built = Services.create(config)
    from db.migrate import upgrade

    await upgrade(built.engine)
    await built.users.touch(ASN, "id")
    path = config.database_url.split("///", 1)[1]
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock() -> None:
        connection = sqlite3.connect(path, timeout=5)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(5)
        connection.rollback()
        connection.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait(5)
    loop = asyncio.get_running_loop()
    loop.call_later(0.5, release.set)  # longer than one busy timeout, shorter than the retries
    started = time.monotonic()
    await built.dialogs.save(ASN, Dialog("link", "nip"))
    waited = time.monotonic() - started
    holder.join()
    saved = await built.dialogs.current(ASN)
    await built.engine.dispose()
    assert saved == Dialog("link", "nip")
    assert waited >= 0.3  # it did meet the lock, and got through after it


async def test_charts_are_drawn_in_another_process(services: Services) -> None:
    import os

    pid = await services.cpu.run(os.getpid)
    services.cpu.shutdown()
    assert pid != os.getpid()


def test_answering_from_the_command_line_loads_neither_the_database_nor_telegram() -> None:
    import subprocess
    import sys

    code = (
        "import sys, bot.knowledge.asking, bot.knowledge.views; "
        "print(sorted(m for m in ('sqlalchemy', 'telegram', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
