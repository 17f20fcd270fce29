"""The terminal side of ``asnbot chat``: read lines, print what the bot sends."""

from __future__ import annotations

import asyncio
import hashlib
import sys
from typing import TextIO

from bot.accounts.linking import link_directly
from bot.career import nip as nips
from bot.config import Config
from bot.console import ConsoleChat, render
from bot.maintenance import seed
from bot.rotation import demo as rotation_demo
from db import repositories as repo

DEMO_COUNT = 360


def console_identity(config: Config, as_nip: str | None, admin: bool) -> Config:
    """The console user of this run: the plain user, one per ``--as`` NIP, and an admin of each.

    Ids are derived from the configured console user id, so the same options are the same
    user on every run, and different options never share a link or chat data.
    """
    user_id = config.console_user_id
    if as_nip:
        digest = hashlib.sha256(nips.normalise(as_nip).encode()).hexdigest()
        user_id += 10 + int(digest[:8], 16) % 10**8 * 2
    if admin:
        user_id += 1
        config = config.with_changes(superadmins=config.superadmins | {user_id})
    return config.with_changes(console_user_id=user_id)


async def run_chat(
    config: Config, as_nip: str | None, lang: str | None, stdin: TextIO, stdout: TextIO
) -> int:
    """Chat until end of input; returns the process exit code."""
    async with ConsoleChat(
        config, lang or config.default_language, force_language=bool(lang)
    ) as chat:
        await _first_run_demo(chat, stdout)
        services = chat.services
        if as_nip:
            name = await link_directly(services.sessions, config.console_user_id, as_nip)
            if name is None:
                print(services.translate(lang, "console.unknown_nip"), file=stdout)
                return 2
        due = await chat.sweep()
        if due:
            print(render(due) + "\n", file=stdout, flush=True)
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
        empty = not await repo.count_employees(session)
    if empty:
        result = await seed(services.sessions, DEMO_COUNT)
        lang = services.config.default_language
        print(services.translate(lang, "console.demo_seeded", count=result.added), file=sys.stderr)
    if await rotation_demo.seed_cohort(services.sessions, services.planner, services.clock()):
        lang = services.config.default_language
        text = services.translate(lang, "console.demo_cohort", cohort=rotation_demo.COHORT,
                                  nip=rotation_demo.first_nip())  # fmt: skip
        print(text, file=sys.stderr)
