"""Update processor: per-user order, cross-user concurrency, a cap on one user's backlog."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Chat, Message, Update, User

from bot.updates import PerUserUpdateProcessor, update_key


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
