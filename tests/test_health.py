"""Health: the database, the Bot API and the sender's backlog, from the CLI and over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from telegram import Bot

from bot.config import Config
from bot.context import Services
from bot.health import check
from bot.outbox.store import LEASE, enqueue
from db.base import utcnow
from tests.bot_harness import for_mode, running_bot
from tests.fake_bot_api import FakeBotApi


async def test_the_backlog_counts_only_due_unsent_messages_and_names_an_active_sender(
    services: Services,
) -> None:
    now = utcnow()
    async with services.sessions() as session, session.begin():
        await enqueue(session, 11, "alert", 1, now - timedelta(minutes=5))
        await enqueue(session, 12, "alert", 2, now - timedelta(minutes=1))
        await enqueue(session, 13, "alert", 3, now + timedelta(hours=1))  # not due yet
    idle = await check(services.outbox, None, now)
    assert (idle.database, idle.backlog, idle.sender) == ("ok", 2, "idle")
    assert idle.oldest_due_seconds == 300
    assert idle.bot_api == "not configured"
    assert idle.ok

    assert await services.outbox.hold_lease(LEASE, "p1", now, 20)
    busy = await check(services.outbox, None, now)
    assert busy.sender == "active"


async def test_an_unreachable_bot_api_makes_the_bot_unhealthy(
    services: Services, fake_api: FakeBotApi
) -> None:
    bot = Bot(fake_api.token, base_url=fake_api.base_url)
    try:
        up = await check(services.outbox, bot, utcnow())
        assert (up.bot_api, up.ok) == ("ok", True)
        await fake_api.stop()
        down = await check(services.outbox, bot, utcnow())
        assert down.bot_api.startswith("error: ")
        assert not down.ok
    finally:
        await bot.shutdown()


def _health(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASNBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.sqlite3'}"}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        env=env, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip


def test_asnbot_health_exits_1_until_the_database_is_set_up(tmp_path: Path) -> None:
    before = _health(tmp_path, "health")
    assert before.returncode == 1
    assert "database: no tables yet: run asnbot db upgrade" in before.stdout
    assert _health(tmp_path, "db", "upgrade").returncode == 0
    after = _health(tmp_path, "health", "--json")
    assert after.returncode == 0
    report = json.loads(after.stdout)
    assert report["ok"] is True
    assert report["database"] == "ok"
    assert report["backlog"] == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_webhook_mode_answers_get_health_and_turns_503_when_telegram_is_gone(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    config = for_mode(bot_config, "webhook")
    url = f"http://127.0.0.1:{config.telegram.webhook.health_port}/health"
    async with running_bot(config), httpx.AsyncClient() as client:
        healthy = await client.get(url)
        assert healthy.status_code == 200
        assert healthy.json()["ok"] is True
        assert healthy.json()["database"] == "ok"
        await fake_api.stop()
        broken = await client.get(url, timeout=15)
        assert broken.status_code == 503
        assert broken.json()["bot_api"].startswith("error: ")
