"""Reminder scheduling and the outbox on the real databases: due maths, one reminder per
rotation, exactly-once queueing and sending across two processes' services, a dead sender's
rows taken over, blocked users and Telegram's "slow down"."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from telegram import Bot
from telegram.error import Forbidden, RetryAfter

from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from bot.outbox import store
from bot.outbox.traffic import Traffic
from bot.replies import Reply
from bot.rotation import plans
from bot.rotation.schedule import Moment, Planner
from db.migrate import upgrade
from db.models import OutboxMessage, RotationMessage, TelegramLink, User

JAKARTA = ZoneInfo("Asia/Jakarta")
PLANNER = Planner((30, 14, 7, 1), (30, 90), time(8), JAKARTA)


def test_reminders_fall_due_at_eight_in_jakarta_and_check_ins_after_the_tmt() -> None:
    moments = PLANNER.moments(date(2027, 2, 1))
    assert moments[0] == Moment("reminder", 30, datetime(2027, 1, 2, 1, 0, tzinfo=UTC))
    assert [(m.kind, m.offset_days) for m in moments] == [
        ("reminder", 30), ("reminder", 14), ("reminder", 7), ("reminder", 1),
        ("checkin", 30), ("checkin", 90),
    ]  # fmt: skip


def test_only_the_latest_past_moment_is_planned() -> None:
    now = datetime(2027, 1, 26, 12, tzinfo=UTC)  # 30, 14 and 7 days before are past
    planned = PLANNER.to_plan(date(2027, 2, 1), now)
    reminders = sorted(m.offset_days for m in planned if m.kind == "reminder")
    assert reminders == [1, 7]


class StubBot:
    """Records sends; raises what a test asks for, per chat."""

    def __init__(self, errors: dict[int, Exception] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.errors = errors or {}

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        if chat_id in self.errors:
            raise self.errors.pop(chat_id)
        await asyncio.sleep(0)
        self.sent.append((chat_id, text))


async def _people(svc: Services, count: int, tmt: date, now: datetime) -> list[int]:
    """``count`` demo employees, each linked to a Telegram account and in one rotation."""
    people = (await seed(svc.sessions, count)).added
    assert people == count
    from db.models import Employee

    async with svc.sessions() as session, session.begin():
        nips = list(await session.scalars(select(Employee.nip).order_by(Employee.id)))
        ids = list(await session.scalars(select(Employee.id).order_by(Employee.id)))
        for index, employee_id in enumerate(ids):
            session.add(User(id=700_000 + index, language="id", last_seen_at=now))
            await session.flush()
            session.add(TelegramLink(user_id=700_000 + index, employee_id=employee_id))
        rows = [
            {"nip": n, "unit_code": "PROV-BKD", "position_name": "Analis", "cohort": "Uji",
             "position_type": "pelaksana", "functional_level": None, "tmt": tmt,
             "sk_number": "", "reason": ""}
            for n in nips
        ]  # fmt: skip
        written = await plans.write_rows(session, rows, svc.planner, now)
        assert written.inserted == count
    return [700_000 + i for i in range(count)]


@pytest.fixture
async def second(config: Config) -> AsyncIterator[Services]:
    """Another process's services on the same database (its own engine and pool)."""
    other = Services.create(config)
    await upgrade(other.engine)
    yield other
    await other.engine.dispose()


async def _count(svc: Services, model: Any, *where: Any) -> int:
    async with svc.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where))
                   or 0)  # fmt: skip


async def test_two_processes_queue_and_send_each_reminder_exactly_once(
    services: Services, second: Services
) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    tmt = date(2027, 1, 24)  # the 30-day reminder is past, 14 days ahead
    users = await _people(services, 40, tmt, start)
    for svc in (services, second):
        svc.clock.set(start)
    queued = await asyncio.gather(services.reminders.queue_due(), second.reminders.queue_due())
    assert sum(queued) == 40
    assert await _count(services, OutboxMessage) == 40
    a, b = StubBot(), StubBot()
    # The second sender waits for the lease, then finds nothing left: each row once.
    await asyncio.gather(
        services.sender.send_due(cast(Bot, a), 30), second.sender.send_due(cast(Bot, b), 30)
    )
    await second.sender.send_due(cast(Bot, b), 30)
    sent = sorted(chat for chat, _ in a.sent + b.sent)
    assert sent == users
    assert await _count(services, OutboxMessage, OutboxMessage.state == "sent") == 40


async def test_competing_claims_never_share_a_row(services: Services, second: Services) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    await _people(services, 30, date(2027, 1, 24), start)
    services.clock.set(start)
    await services.reminders.queue_due()
    claims = await asyncio.gather(*(
        svc.outbox.claim(store.new_token(), start, 7)
        for svc in (services, second, services, second, services)
    ))  # fmt: skip
    ids = [item.id for batch in claims for item in batch]
    assert len(ids) == len(set(ids))  # a row lost to another claim is simply not returned
    while batch := await second.outbox.claim(store.new_token(), start, 7):
        ids += [item.id for item in batch]
    assert sorted(ids) == sorted(set(ids))
    assert len(ids) == 30


async def test_a_dead_senders_rows_are_sent_after_its_claim_expires(services: Services) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    users = await _people(services, 5, date(2027, 1, 24), start)
    services.clock.set(start)
    await services.reminders.queue_due()
    dead = await services.outbox.claim("dead-sender", start, 3)  # then the process was killed
    assert len(dead) == 3
    bot = StubBot()
    await services.sender.send_due(cast(Bot, bot), 5)
    assert len(bot.sent) == 2  # the dead sender's rows are still claimed
    services.clock.advance(timedelta(seconds=store.CLAIM_SECONDS + 1))
    await services.sender.send_due(cast(Bot, bot), 5)
    assert sorted(chat for chat, _ in bot.sent) == users


async def test_blocked_users_are_marked_and_a_429_waits(services: Services) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    users = await _people(services, 3, date(2027, 1, 24), start)
    services.clock.set(start)
    await services.reminders.queue_due()
    bot = StubBot({users[0]: Forbidden("bot was blocked by the user"),
                   users[1]: RetryAfter(0)})  # fmt: skip
    await services.sender.send_due(cast(Bot, bot), 5)
    await services.sender.send_due(cast(Bot, bot), 5)
    states = {}
    async with services.sessions() as session:
        for chat, state in await session.execute(select(OutboxMessage.chat_id,
                                                        OutboxMessage.state)):  # fmt: skip
            states[chat] = state
        blocked = await session.scalar(select(User.is_blocked).where(User.id == users[0]))
    assert states == {users[0]: "unreachable", users[1]: "sent", users[2]: "sent"}
    assert blocked is True


async def test_after_downtime_one_reminder_goes_out_not_a_burst(services: Services) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    tmt = date(2027, 2, 20)
    await _people(services, 4, tmt, start)
    services.clock.set(datetime(2027, 2, 16, 3, tzinfo=UTC))  # 30, 14 and 7 days were missed
    assert await services.reminders.queue_due() == 4
    async with services.sessions() as session:
        states = dict(
            (await session.execute(
                select(RotationMessage.offset_days, func.count())
                .where(RotationMessage.state == "queued").group_by(RotationMessage.offset_days)
            )).all()
        )  # fmt: skip
    assert states == {7: 4}
    assert await services.reminders.queue_due() == 0


async def test_moving_a_tmt_replans_and_cancelling_stops(services: Services) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    await _people(services, 2, date(2027, 3, 1), start)
    services.clock.set(start)
    async with services.sessions() as session:
        first, other = sorted(
            await session.scalars(select(RotationMessage.rotation_id).distinct())
        )
    assert await services.rotations.move(first, date(2027, 1, 20), None)
    assert await services.rotations.cancel(other, None)
    services.clock.set(datetime(2027, 1, 6, 2, tzinfo=UTC))  # 14 days before the new TMT
    assert await services.reminders.queue_due() == 1
    preview = await services.reminders.preview(datetime(2027, 2, 27, 2, tzinfo=UTC))
    # By then the moved TMT has passed: only its 30-day check-in; nothing for the cancelled one.
    assert [(p.move.rotation_id, p.kind) for p in preview] == [(first, "checkin")]


async def test_the_sender_keeps_to_the_overall_rate_and_one_message_a_second_per_chat(
    services: Services,
) -> None:
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    users = await _people(services, 30, date(2027, 1, 24), start)
    services.clock.set(start)
    await services.reminders.queue_due()
    async with services.sessions() as session, session.begin():
        for ref in range(3):  # three alerts to one admin chat
            await store.enqueue(session, users[0], "readiness_alert", 10_000 + ref, start)
    services.sender.register("readiness_alert", _one_line)
    bot = TimedBot()
    await services.sender.send_due(cast(Bot, bot), 30)
    assert len(bot.at) == 33
    moments = sorted(t for _, t in bot.at)
    busiest = max(sum(1 for t in moments if s <= t < s + 1) for s in moments)
    assert busiest <= services.config.messages_per_second + 1
    admin = sorted(t for chat, t in bot.at if chat == users[0])
    assert all(b - a >= 0.99 for a, b in itertools.pairwise(admin))


async def _one_line(item: store.Item) -> list[Reply]:
    return [Reply(f"alert {item.ref_id}")]


class TimedBot:
    """Records each message's moment; notes it in ``traffic`` as the bot's SafeBot does."""

    def __init__(self, traffic: Traffic | None = None) -> None:
        self.at: list[tuple[int, float]] = []
        self.traffic = traffic

    async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
        self.at.append((chat_id, monotonic()))
        if self.traffic is not None:
            self.traffic.note()


async def test_the_sender_leaves_room_for_replies_to_people(services: Services) -> None:
    """While the bot answers 20 people a second, the outbox takes only the rest of the rate
    (and never stops); once the replies end it is back to its full rate."""
    start = datetime(2027, 1, 4, 2, tzinfo=UTC)
    async with services.sessions() as session, session.begin():
        for ref in range(200):
            await store.enqueue(session, 800_000 + ref, "readiness_alert", ref, start)
    services.clock.set(start)
    sender = services.sender
    sender.register("readiness_alert", _one_line)
    bot = TimedBot(sender.traffic)
    began = monotonic()
    replies_end = began + 2.0
    replied: list[float] = []

    async def replies() -> None:
        while monotonic() < replies_end:
            sender.traffic.note()
            replied.append(monotonic())
            await asyncio.sleep(1 / 20)

    replying = asyncio.create_task(replies())
    await sender.send_due(cast(Bot, bot), 4.0)
    await replying

    def sent(since: float, until: float) -> int:
        return sum(1 for _, t in bot.at if since <= t < until)

    # In the second second of the replies (the first filled the window): what they left.
    answers = sum(1 for t in replied if began + 1 <= t < replies_end)
    during = sent(began + 1, replies_end)
    room = services.config.messages_per_second + 1 - answers
    assert 0 < during <= room + 2  # the floor: no message waits more than a second
    assert sent(replies_end + 1, replies_end + 2) >= 2 * during


def test_the_traffic_meter_holds_one_second_only() -> None:
    now = [100.0]
    traffic = Traffic(lambda: now[0])
    for _ in range(30):
        traffic.note()
    assert traffic.wait_for_room(31) == 0.0
    assert traffic.wait_for_room(30) == 1.0
    now[0] += 0.5
    assert traffic.wait_for_room(30) == 0.5
    now[0] += 5.0
    traffic.note()  # a bot nobody reads the meter of does not keep every moment
    assert traffic.recent() == 1
    assert traffic.total == 31
