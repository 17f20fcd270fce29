"""Run the real Application (real HTTP client, real update loop) against the fake Bot API."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace

from bot.app import App, build_application, services_of
from bot.config import Config
from bot.context import Services
from bot.runner import serve
from handlers.fallback import FlowStep
from tests.fake_bot_api import Call, FakeBotApi

WEBHOOK_SECRET = "test-secret_123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def for_mode(config: Config, mode: str, **telegram: object) -> Config:
    """Polling with a short long-poll, or a webhook on a free loopback port with a secret."""
    tg = replace(config.telegram, mode=mode, poll_timeout=1, **telegram)  # type: ignore[arg-type]
    if mode == "webhook":
        port = free_port()
        hook = replace(
            tg.webhook,
            listen="127.0.0.1",
            port=port,
            url=f"http://127.0.0.1:{port}/telegram-hook",
            secret_token=WEBHOOK_SECRET,
            health_port=free_port(),
        )
        tg = replace(tg, webhook=hook)
    return replace(config, telegram=tg)


@asynccontextmanager
async def running_bot(
    config: Config, flows: Mapping[str, FlowStep] | None = None
) -> AsyncIterator[App]:
    """The bot serving updates until the block ends, then stopped as on SIGTERM."""
    app = build_application(config, flows=flows)
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(app, config, stop, started))
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, timeout=30, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        task.result()  # start-up failed: raise its error here
    waiter.cancel()
    try:
        yield app
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


def services(app: App) -> Services:
    return services_of(app)


async def reply_to(api: FakeBotApi, user_id: int, text: str, within: float = 10) -> Call:
    """Send ``text`` as the user and return the bot's next message to them."""
    before = len(api.sent(user_id))
    await api.send_text(user_id, text)
    calls = await api.wait_for("sendMessage", user_id, before + 1, within)
    return calls[before]


async def press(api: FakeBotApi, user_id: int, call: Call, data: str, within: float = 10) -> Call:
    """Press a button with ``data`` under the message ``call`` sent; the bot's next message."""
    before = len(api.sent(user_id))
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": user_id, "type": "private"},
        "text": call.params.get("text", ""),
    }
    await api.press(user_id, message, data)
    calls = await api.wait_for("sendMessage", user_id, before + 1, within)
    return calls[before]


async def admin_answers(api: FakeBotApi, admin: int, number: int, answer: str) -> Call:
    """An admin lists the queue, presses "answer" on question ``number`` and writes ``answer``;
    the bot's confirmation to the admin."""
    listing = await reply_to(api, admin, "/pertanyaan")
    await press(api, admin, listing, f"hr:answer:{number}")
    return await reply_to(api, admin, answer)
