"""The terminal side of ``asnbot chat``: read lines, print what the bot sends."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.accounts.linking import link_directly
from bot.config import Config
from bot.console import ConsoleChat, render
from bot.maintenance import seed
from db import repositories as repo

DEMO_COUNT = 360


async def run_chat(
    config: Config, as_nip: str | None, lang: str, stdin: TextIO, stdout: TextIO
) -> int:
    """Chat until end of input; returns the process exit code."""
    async with ConsoleChat(config, lang) as chat:
        await _first_run_demo(chat, stdout)
        services = chat.services
        if as_nip:
            name = await link_directly(services.sessions, config.console_user_id, as_nip)
            if name is None:
                print(services.translate(lang, "console.unknown_nip"), file=stdout)
                return 2
        interactive = stdin.isatty()
        if interactive:
            print(services.translate(lang, "console.banner"), file=stdout)
        while True:
            if interactive:
                print("> ", end="", file=stdout, flush=True)
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return 0
            if line.strip():
                print(render(await chat.say(line)) + "\n", file=stdout, flush=True)


async def _first_run_demo(chat: ConsoleChat, stdout: TextIO) -> None:
    """On an empty embedded SQLite database, add the demo employees."""
    services = chat.services
    if services.engine.dialect.name != "sqlite":
        return
    async with services.sessions() as session:
        if await repo.count_employees(session):
            return
    result = await seed(services.sessions, DEMO_COUNT)
    lang = services.config.default_language
    print(services.translate(lang, "console.demo_seeded", count=result.added), file=sys.stderr)
