"""Linking tells nothing about whether an NIP exists (issue "holds under abuse").

For a known NIP (one with an issued code, even) and an unknown but well-formed one, a wrong code
gets the same reply, runs the same SQL statements and computes the same keyed hashes, up to and
past the per-NIP limit; the NIP step before it does the same. Times are not asserted here (see
``benchmarks/link_timing.py``). Also: one account trying code after code over many NIPs is
stopped by its own limit, even when it finally holds a valid code, and that code stays usable.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.accounts import linking
from bot.accounts.linking import MAX_FAILURES, LinkResult
from bot.accounts.server_key import keyed_hash
from bot.career import demo
from bot.career import nip as nips
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.models import TelegramLink
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi
from tests.test_link_security import INVALID, LIMITED, LINKED, _at_code_step

PEOPLE = demo.generate(40)
KNOWN = PEOPLE[1].nip
# Well-formed, with real birth and appointment dates, and nobody's NIP.
UNKNOWN = nips.build(date(1987, 3, 14), date(2011, 2, 1), "P", 977)
WRONG = "ZZZZ-ZZZZ"
FIRST = 7001
_TABLES = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+\"?(\w+)", re.IGNORECASE)


def test_the_unknown_nip_is_valid_and_nobodys() -> None:
    nips.parse(UNKNOWN, date(2026, 11, 28))  # raises if it were not well-formed
    assert UNKNOWN not in {p.nip for p in PEOPLE}


def shape(statement: str) -> str:
    """A statement's kind and the tables it touches, without values."""
    return f"{statement.split()[0].upper()} {' '.join(_TABLES.findall(statement))}"


@contextmanager
def recorded(engine: AsyncEngine, task_prefix: str | None = None) -> Iterator[list[str]]:
    """The shapes of the statements sent to the database while the block runs; with
    ``task_prefix``, only those sent from asyncio tasks so named (the bot's update tasks, not
    its timed jobs)."""
    shapes: list[str] = []

    def listener(*args: Any) -> None:
        statement = str(args[2])
        if task_prefix is not None:
            task = asyncio.current_task()
            if task is None or not task.get_name().startswith(task_prefix):
                return
        shapes.append(shape(statement))

    event.listen(engine.sync_engine, "before_cursor_execute", listener)
    try:
        yield shapes
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", listener)


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each keyed hash the linking service computes is for ("code", "nip")."""
    made: list[str] = []

    def spy(key: bytes, *parts: str) -> str:
        made.append(parts[0])
        return keyed_hash(key, *parts)

    monkeypatch.setattr(linking, "keyed_hash", spy)
    return made


async def _attempts(svc: Services, nip: str, first_user: int, hashes: list[str]) -> list[Any]:
    """A wrong code for ``nip`` from MAX_FAILURES + 1 accounts, one after another: each
    attempt's result, statement shapes and keyed hashes."""
    out = []
    for number in range(MAX_FAILURES + 1):
        hashes.clear()
        with recorded(svc.engine) as shapes:
            result = await svc.links.link(first_user + number, nip, WRONG)
        out.append((result, shapes, list(hashes)))
    return out


async def test_a_wrong_code_costs_the_same_work_for_a_known_and_an_unknown_nip(
    services: Services, hashes: list[str]
) -> None:
    await seed(services.sessions, 40)
    assert await services.links.issue_code(KNOWN, ADMIN_ID) is not None
    known = await _attempts(services, KNOWN, FIRST, hashes)
    unknown = await _attempts(services, UNKNOWN, FIRST + 100, hashes)
    assert [r for r, _, _ in known] == [r for r, _, _ in unknown]
    assert [r for r, _, _ in known] == [(LinkResult.INVALID, None)] * MAX_FAILURES + [
        (LinkResult.RATE_LIMITED, None)
    ]
    assert [s for _, s, _ in known] == [s for _, s, _ in unknown]
    assert [h for _, _, h in known] == [h for _, _, h in unknown]
    assert "code" in known[0][2]  # the code's hash is computed for both
    assert any(s.startswith("SELECT employees") for s in known[0][1])  # the recorder saw SQL


async def _through_the_bot(
    api: FakeBotApi, svc: Services, user: int, nip: str
) -> tuple[list[str], list[list[str]]]:
    """An account agrees, sends /daftar, the NIP and then wrong codes past the limit: the
    replies, and the statements each of the NIP and code updates ran."""
    greeting = await reply_to(api, user, "/start")
    await press(api, user, greeting, "menu:consent")
    await reply_to(api, user, "/daftar")
    replies, statements = [], []
    for text in [nip, *[WRONG] * MAX_FAILURES]:
        with recorded(svc.engine, "Application:") as shapes:
            replies.append(str((await reply_to(api, user, text)).params["text"]))
        statements.append(shapes)
    await _at_code_step(svc, range(user + 1, user + 2), nip)  # another account, same NIP
    with recorded(svc.engine, "Application:") as shapes:
        replies.append(str((await reply_to(api, user + 1, WRONG)).params["text"]))
    statements.append(shapes)
    return replies, statements


async def test_the_bot_answers_a_known_and_an_unknown_nip_alike(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        assert await svc.links.issue_code(KNOWN, ADMIN_ID) is not None
        known = await _through_the_bot(fake_api, svc, FIRST, KNOWN)
        unknown = await _through_the_bot(fake_api, svc, FIRST + 10, UNKNOWN)
    known_replies, known_statements = known
    unknown_replies, unknown_statements = unknown
    assert known_replies == unknown_replies
    assert known_statements == unknown_statements
    assert "kode" in known_replies[0].lower()  # the NIP step asks for the code either way
    assert all(INVALID in r for r in known_replies[1 : 1 + MAX_FAILURES])
    assert LIMITED in known_replies[-1]  # a sixth account meets the NIP's limit
    assert all(s for s in known_statements)  # every update's SQL was seen


async def test_one_account_over_many_nips_is_stopped_even_with_a_valid_code(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    """The account's limit holds across NIPs: typing a new NIP at the code step starts over
    but does not reset it; the valid code it finally sends is refused and stays unused."""
    person = PEOPLE[20]
    user = FIRST + 50
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await svc.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        await _at_code_step(svc, range(user, user + 1), PEOPLE[21].nip)
        replies = []
        for target in PEOPLE[21 : 21 + MAX_FAILURES]:
            await reply_to(fake_api, user, target.nip)
            replies.append(str((await reply_to(fake_api, user, WRONG)).params["text"]))
        await reply_to(fake_api, user, person.nip)
        refused = str((await reply_to(fake_api, user, issued.code)).params["text"])
        await _at_code_step(svc, range(user + 1, user + 2), person.nip)
        owner = str((await reply_to(fake_api, user + 1, issued.code)).params["text"])
        async with svc.sessions() as session:
            links = (await session.scalars(select(TelegramLink.user_id))).all()
    assert all(INVALID in r for r in replies)
    assert LIMITED in refused
    assert LINKED in owner
    assert list(links) == [user + 1]
