"""``asnbot run`` as a separate process against the fake Bot API: for the tests and benchmarks
that kill, restart or run two bots side by side."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bot.config import DEFAULT_CONFIG
from tests.fake_bot_api import FakeBotApi

ASNBOT = str(Path(sys.executable).parent / "asnbot")
SECRET_KEY = "k" * 40  # the same in every process, so codes hashed in one work in the next


def config_file(folder: Path) -> Path:
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


async def start(api: FakeBotApi, db_url: str, config: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ASNBOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url,
            "ASNBOT_DATABASE_URL": db_url, "ASNBOT_CONFIG": str(config),
            "ASNBOT_SECRET_KEY": SECRET_KEY}  # fmt: skip
    return await asyncio.create_subprocess_exec(
        ASNBOT, "run", env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def until(condition: Callable[[], bool], within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.05)


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, as an operator's restart sends it, and wait for the process to end."""
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
