"""Generated updates of every kind, from many users, in random order (hypothesis).

Text of any Unicode and length up to Telegram's 4,096, commands with junk arguments, edited
messages, stickers, photos, documents, contacts, locations, forwarded messages, group and channel
updates, callback queries with forged, stale or oversized data, updates without a user and
updates the library cannot parse, all polled from the fake Bot API by the real Application. After
each batch: no handler failed, every user who wrote is still answered, and the data of a user who
sent nothing is unchanged. ASNBOT_FUZZ_EXAMPLES sets the number of batches (default 60).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import AsyncExitStack
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.career import demo
from bot.commands import COMMANDS
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.models import HrQuestion, TelegramLink, User
from tests.bot_harness import for_mode, running_bot, services
from tests.fake_bot_api import FakeBotApi

T = TypeVar("T")
ATTACKERS = list(range(8100, 8116))
VICTIM = 8200
EXAMPLES = int(os.environ.get("ASNBOT_FUZZ_EXAMPLES", "60"))
COMMAND_NAMES = [n for c in COMMANDS for n in (c.name, *c.aliases)]
BUTTON_PREFIXES = [
    "lang",
    "menu",
    "kb:show",
    "kb:rate",
    "hr:answer",
    "hr:close",
    "bca",
    "bcx",
    "rdy",
    "adk",
    "rsn",
    "chk",
    "mnt",
    "rotx",
    "adm",
    "admin:profile",
    "delete",
]

# -- strategies ---------------------------------------------------------------------------------
any_text = st.text(max_size=4096)
short_text = st.text(max_size=64)
command = st.builds(
    lambda name, junk, at: f"/{name}{'@asn_bot' if at else ''} {junk}".rstrip(),
    st.sampled_from(COMMAND_NAMES), st.text(max_size=300), st.booleans(),
)  # fmt: skip
attacker = st.sampled_from(ATTACKERS)
language = st.sampled_from(["id", "en", "fr", "", None])


def _user(uid: int, lang: str | None, name: str) -> dict[str, Any]:
    user: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": name or "x"}
    if lang is not None:
        user["language_code"] = lang
    return user


chat_of = st.sampled_from(["private", "group", "supergroup", "channel"])
media = st.one_of(
    st.builds(lambda t: {"text": t}, any_text),
    st.builds(lambda t: {"text": t, "entities": [{"type": "bot_command", "offset": 0,
                                                  "length": len(t.split()[0])}]}, command),
    st.builds(lambda e: {"sticker": {"file_id": "s1", "file_unique_id": "u1", "width": 512,
                                     "height": 512, "is_animated": False, "is_video": False,
                                     "type": "regular", "emoji": e}}, short_text),
    st.builds(lambda c: {"photo": [{"file_id": "p1", "file_unique_id": "up1", "width": 90,
                                    "height": 90}], "caption": c}, short_text),
    st.builds(lambda n, m: {"document": {"file_id": "d404", "file_unique_id": "ud",
                                         "file_name": n, "mime_type": m, "file_size": 10}},
              short_text, st.sampled_from(["text/csv", "application/zip", "", "x/y"])),
    st.builds(lambda p, n: {"contact": {"phone_number": p, "first_name": n or "x"}},
              short_text, short_text),
    st.builds(lambda la, lo: {"location": {"latitude": la, "longitude": lo}},
              st.floats(-90, 90), st.floats(-180, 180)),
    st.builds(lambda t: {"text": t, "forward_origin": {"type": "hidden_user", "date": 0,
                                                       "sender_user_name": "Anon"}}, any_text),
)  # fmt: skip


@st.composite
def message_update(draw: Callable[..., Any]) -> dict[str, Any]:
    uid = draw(attacker)
    kind = draw(chat_of)
    chat_id = uid if kind == "private" else -1000000000000 - uid
    message: dict[str, Any] = {"message_id": draw(st.integers(1, 2**31 - 1)), "date": 0,
                               "chat": {"id": chat_id, "type": kind}, **draw(media)}  # fmt: skip
    if kind != "channel" and draw(st.booleans() | st.just(True)):
        message["from"] = _user(uid, draw(language), draw(short_text))
    field = "channel_post" if kind == "channel" else draw(
        st.sampled_from(["message", "message", "edited_message"]))  # fmt: skip
    if field == "edited_message":
        message["edit_date"] = 1
    return {field: message}


@st.composite
def button_update(draw: Callable[..., Any]) -> dict[str, Any]:
    uid = draw(attacker)
    data = draw(st.one_of(
        st.text(max_size=200),  # oversized or junk (Telegram allows 64 bytes)
        st.builds(lambda p, n: f"{p}:{n}", st.sampled_from(BUTTON_PREFIXES),
                  st.integers(-(2**63), 2**63)),  # forged or stale ids
        st.builds(lambda p, junk: f"{p}:{junk}", st.sampled_from(BUTTON_PREFIXES), short_text),
        st.none(),
    ))  # fmt: skip
    query: dict[str, Any] = {"id": str(draw(st.integers(1, 10**9))), "chat_instance": "c",
                             "from": _user(uid, draw(language), "x")}  # fmt: skip
    if data is not None:
        query["data"] = data
    if draw(st.booleans()):
        query["message"] = {"message_id": 1, "date": 0, "chat": {"id": uid, "type": "private"}}
    return {"callback_query": query}


broken_update = st.sampled_from([
    {"message": {"message_id": 1}},  # no chat, no date: the library cannot parse it
    {"callback_query": {"id": "1"}},
    {"message": "not an object"},
    {},
])  # fmt: skip
updates = st.lists(
    st.one_of(message_update(), message_update(), button_update(), broken_update),
    min_size=1, max_size=12,
)  # fmt: skip


# -- the bot in its own thread, so hypothesis can drive it example by example ------------------
class BotThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.stack = AsyncExitStack()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class Failures(logging.Handler):
    """Errors any handler logged (the error handler logs each one it catches)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        # python-telegram-bot reports an unparseable update at CRITICAL before SafeBot reads the
        # batch one by one: expected here, not a failure.
        if not record.name.startswith("telegram.ext.ExtBot"):
            self.records.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def bot(make_config: Callable[..., Config]) -> Iterator[tuple[BotThread, FakeBotApi, Services]]:
    thread = BotThread()
    api = FakeBotApi()

    async def start() -> Services:
        await api.start()
        thread.stack.push_async_callback(api.stop)
        config = for_mode(make_config(api), "polling", user_updates_per_minute=1_000_000)
        app = await thread.stack.enter_async_context(running_bot(config))
        svc = services(app)
        await seed(svc.sessions, 40)
        victim = demo.generate(40)[0]
        async with svc.sessions() as session, session.begin():
            employee = await session.scalar(select(demo_employee_id(victim.nip)))
            session.add(User(id=VICTIM, language="en"))
            await session.flush()
            session.add(TelegramLink(user_id=VICTIM, employee_id=employee))
        await svc.hr_queue.add(VICTIM, "pertanyaan korban", "id")
        return svc

    try:
        yield thread, api, thread.run(start())
    finally:
        thread.close()


def demo_employee_id(nip: str) -> Any:
    from db.models import Employee

    return select(Employee.id).where(Employee.nip == nip).scalar_subquery()


async def _victim(svc: Services) -> list[Any]:
    async with svc.sessions() as session:
        user = (await session.execute(select(User.id, User.language, User.consent_at)
                                      .where(User.id == VICTIM))).all()  # fmt: skip
        link = (await session.execute(select(TelegramLink.user_id, TelegramLink.employee_id)
                                      .where(TelegramLink.user_id == VICTIM))).all()  # fmt: skip
        asked = (await session.execute(select(HrQuestion.id, HrQuestion.status, HrQuestion.text)
                                       .where(HrQuestion.user_id == VICTIM))).all()  # fmt: skip
    return [*user, *link, *asked]


async def _still_answered(api: FakeBotApi, users: set[int]) -> list[int]:
    """Each user asks for help; those who got no reply within 15 s."""
    before = {u: len(api.sent(u)) for u in users}
    for user in users:
        await api.send_text(user, "/bantuan")

    async def answered(user: int) -> bool:
        try:
            await api.wait_for("sendMessage", user, before[user] + 1, 15)
        except (TimeoutError, AssertionError):
            return False
        return True

    results = await asyncio.gather(*(answered(u) for u in users))
    return [u for u, ok in zip(users, results, strict=True) if not ok]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_generated_updates_never_break_the_bot_or_touch_another_users_data(
    bot: tuple[BotThread, FakeBotApi, Services],
) -> None:
    thread, api, svc = bot
    failures = Failures()
    logging.getLogger().addHandler(failures)
    victim_before = thread.run(_victim(svc))
    counted = {"batches": 0, "updates": 0}

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(batch=updates)
    def one_batch(batch: list[dict[str, Any]]) -> None:
        async def go() -> None:
            for body in batch:
                await api.push_update(body)
            writers = {u for u in ATTACKERS if any(str(u) in repr(b) for b in batch)}
            silent = await _still_answered(api, writers or {ATTACKERS[0]})
            assert silent == [], f"no answer for {silent}"

        thread.run(go())
        counted["batches"] += 1
        counted["updates"] += len(batch)
        assert failures.records == [], failures.records[:3]
        assert thread.run(_victim(svc)) == victim_before

    try:
        one_batch()
    finally:
        logging.getLogger().removeHandler(failures)
    print(f"fuzzed: {counted['batches']} batches, {counted['updates']} updates")
    assert counted["batches"] >= min(EXAMPLES, 10)
