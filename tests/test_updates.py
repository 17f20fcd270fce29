"""Update processor: per-user order, cross-user concurrency, a cap on one user's backlog."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update, User

from bot.updates import PerUserUpdateProcessor, update_key, update_kind


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, "U", False)
    message = Message(update_id, None, Chat(user_id, "private"), from_user=user, text="x")  # type: ignore[arg-type]
    return Update(update_id, message=message)


async def test_one_users_updates_run_one_at_a_time_in_order() -> None:
    processor = PerUserUpdateProcessor(16, 100)
    log: list[tuple[str, int]] = []

    async def work(n: int) -> None:
        log.append(("start", n))
        await asyncio.sleep(0.01)
        log.append(("end", n))

    await asyncio.gather(*(processor.process_update(_update(n, 1), work(n)) for n in range(5)))
    assert log == [(kind, n) for n in range(5) for kind in ("start", "end")]


async def test_different_users_run_at_the_same_time() -> None:
    processor = PerUserUpdateProcessor(16, 100)
    running = 0
    peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1

    await asyncio.gather(*(processor.process_update(_update(u, u), work()) for u in range(8)))
    assert peak == 8


async def test_a_flood_beyond_the_cap_is_dropped_and_others_are_served() -> None:
    processor = PerUserUpdateProcessor(8, 3)
    done: list[Any] = []

    async def work(tag: Any) -> None:
        await asyncio.sleep(0.01)
        done.append(tag)

    flood = [processor.process_update(_update(n, 1), work(("a", n))) for n in range(30)]
    other = processor.process_update(_update(99, 2), work(("b", 99)))
    await asyncio.gather(*flood, other)
    alice = [tag for tag in done if tag[0] == "a"]
    assert 3 <= len(alice) < 30
    assert processor.dropped == 30 - len(alice)
    assert ("b", 99) in done
    assert done.index(("b", 99)) < len(done) - 1  # Bob did not wait behind the whole flood


def test_updates_are_keyed_by_user() -> None:
    assert update_key(_update(1, 77)) == 77
    assert update_key(Update(2)) is None
    assert update_key("not an update") is None


async def test_beyond_the_per_minute_rate_updates_are_dropped_and_the_user_told_once() -> None:
    processor = PerUserUpdateProcessor(8, 1000, per_minute=10)
    told: list[int] = []

    async def tell(update: Update) -> None:
        assert update.effective_user is not None
        told.append(update.effective_user.id)

    processor.on_flood = tell
    done: list[int] = []

    async def work(n: int) -> None:
        done.append(n)

    for n in range(40):  # one after another, as a client sends them
        await processor.process_update(_update(n, 1), work(n))
    await processor.process_update(_update(100, 2), work(100))
    assert done[:10] == list(range(10))
    assert len([n for n in done if n < 100]) <= 11  # the burst, and what leaked back meanwhile
    assert 100 in done  # another user is not limited by the first one's flood
    assert told == [1]  # told once, not once per dropped message
    assert processor.dropped >= 29


def _message(text: str, *, edited: bool = False) -> Update:
    user = User(5, "U", False)
    message = Message(1, None, Chat(5, "private"), from_user=user, text=text)  # type: ignore[arg-type]
    return Update(1, edited_message=message) if edited else Update(1, message=message)


def _press(data: str) -> Update:
    user = User(5, "U", False)
    return Update(1, callback_query=CallbackQuery("q", user, "chat", data=data))


def test_the_logged_kind_of_an_update_never_repeats_what_the_user_wrote() -> None:
    assert update_kind(_message("/start@asn_bot 198609262015051001")) == "command:start"
    assert update_kind(_message("/profil")) == "command:profil"
    assert update_kind(_message("/Budi_Santoso_1986")) == "command"
    assert update_kind(_message("nip sy 198609262015051001")) == "message"
    assert update_kind(_message("halo", edited=True)) == "edited_message"
    assert update_kind(_press("hr:answer:12")) == "button:hr"
    assert update_kind(_press("<b>" * 30)) == "button"
    assert update_kind(object()) == "other"


async def test_the_same_update_delivered_twice_is_handled_once() -> None:
    processor = PerUserUpdateProcessor(8, 100)
    done: list[int] = []

    async def work(n: int) -> None:
        done.append(n)

    for n in (1, 2, 1, 3, 2):
        await processor.process_update(_update(n, 5), work(n))
    assert done == [1, 2, 3]
    assert processor.duplicates == 2
