"""Broadcasts: audiences within the author's role, one outbox row per recipient, delivery with
progress and a final report, read receipts, re-sends and the operator's command line."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from io import BytesIO
from pathlib import Path
from typing import Any, cast

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select, update
from telegram import Bot

from bot.access import SUPER, Access
from bot.broadcast.audience import Audience, AudienceError, parse
from bot.broadcast.store import KIND, Draft
from bot.career import demo
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.models import (
    Broadcast,
    Employee,
    OutboxMessage,
    ReadinessAnswer,
    Rotation,
    User,
)
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi
from tests.seeding import link_users
from tests.test_cli import run
from tests.test_rotation_schedule import StubBot

PEOPLE = demo.generate(360)
FIRST_USER = 50_000


async def _link_all(svc: Services, blocked: int = 0) -> dict[str, int]:
    """Every employee linked to a Telegram account (the first ``blocked`` of them blocked the
    bot); NIP -> Telegram user id."""
    async with svc.sessions() as session:
        rows = list(await session.execute(select(Employee.id, Employee.nip).order_by(Employee.id)))
    users = await link_users(svc, [employee for employee, _ in rows], FIRST_USER, blocked)
    return {nip: user for (_, nip), user in zip(rows, users, strict=True)}


def _in(prefix: str) -> list[demo.DemoEmployee]:
    return [p for p in PEOPLE if p.unit_code.startswith(prefix)]


def test_the_command_line_audience_is_checked() -> None:
    assert parse("all") == Audience()
    assert parse("gov:kerinci,tebo") == Audience("gov", ("KERINCI", "TEBO"))
    assert parse("grade:III/a-III/d") == Audience("grade", ("III/a", "III/d"))
    assert parse("cohort:Rotasi Januari") == Audience("cohort", ("Rotasi Januari",))
    assert parse("not_ready") == Audience("not_ready")
    for wrong in ("everyone", "gov:ATLANTIS", "grade:IV/a-III/a", "position:raja", "gov:"):
        with pytest.raises(AudienceError):
            parse(wrong)


async def test_an_audience_counts_only_linked_reachable_people_who_did_not_block(
    services: Services,
) -> None:
    await seed(services.sessions, 360)
    await _link_all(services, blocked=3)
    blocked = {p.nip for p in PEOPLE[:3]}
    kerinci = [p for p in _in("KERINCI-") if p.nip not in blocked]
    count = services.broadcasts.count
    assert await count(Audience()) == 357
    assert await count(Audience("gov", ("KERINCI",))) == len(kerinci)
    assert await count(Audience(), Access("gov", "KERINCI")) == len(kerinci)
    assert await count(Audience("gov", ("TEBO",)), Access("gov", "KERINCI")) == 0
    grades = {"III/a", "III/b", "III/c", "III/d"}
    expected = [p for p in PEOPLE[3:] if p.grade in grades]
    assert await count(Audience("grade", ("III/a", "III/d"))) == len(expected)
    pelaksana = [p for p in PEOPLE[3:] if p.position_type == "pelaksana"]
    assert await count(Audience("position", ("pelaksana",))) == len(pelaksana)


async def test_a_cohort_and_those_not_ready_are_audiences(services: Services) -> None:
    from bot.rotation import demo as rotation_demo

    await seed(services.sessions, 360)
    await _link_all(services)
    await rotation_demo.seed_cohort(services.sessions, services.planner, services.clock())
    async with services.sessions() as session, session.begin():
        await session.execute(delete(ReadinessAnswer))  # the demo's own answers
        moves = list(await session.scalars(select(Rotation).order_by(Rotation.id)))
        for rotation in moves[:4]:  # two answers each: only the latest counts
            session.add(ReadinessAnswer(rotation_id=rotation.id, status="ready", blocks={}))
            await session.flush()
            session.add(ReadinessAnswer(rotation_id=rotation.id, status="not_ready", blocks={}))
        session.add(ReadinessAnswer(rotation_id=moves[4].id, status="not_ready", blocks={}))
        await session.flush()
        session.add(ReadinessAnswer(rotation_id=moves[4].id, status="ready", blocks={}))
    cohort = moves[0].cohort
    assert await services.broadcasts.count(Audience("cohort", (cohort,))) == len(moves)
    assert await services.broadcasts.count(Audience("not_ready", (cohort,))) == 4
    assert await services.broadcasts.count(Audience("not_ready")) == 4


async def test_a_broadcast_is_sent_once_to_each_recipient_and_read_receipts_count_once(
    services: Services,
) -> None:
    await seed(services.sessions, 120)
    users = await _link_all(services)
    store = services.broadcasts
    made = await store.create(ADMIN_ID, Draft("<b>Rapat</b> besok", Audience(), ack=True))
    assert made.recipients == 120
    assert made.remaining == 120
    first = users[PEOPLE[0].nip]
    assert await store.acknowledge(made.id, first) is None  # not sent yet: a forged press
    bot = StubBot()
    report = await services.sender.send_due(cast(Bot, bot), 60)
    assert report.sent == 120
    assert sorted(chat for chat, _ in bot.sent) == sorted(users.values())
    assert all("<b>Rapat</b> besok" in text for _, text in bot.sent)
    assert await store.acknowledge(made.id, first) is True
    assert await store.acknowledge(made.id, first) is False
    assert await store.acknowledge(made.id, 999) is None
    figures = await store.figures(made.id)
    assert figures is not None
    assert (figures.sent, figures.acknowledged, figures.done) == (120, 1, True)
    again = await store.resend_unacknowledged(made.id, ADMIN_ID)
    assert again is not None
    assert again.recipients == 119
    second = users[PEOPLE[1].nip]
    await services.sender.send_due(cast(Bot, StubBot()), 60)
    assert await store.acknowledge(again.id, second) is True  # counts for the first one
    root = await store.figures(made.id)
    assert root is not None
    assert root.acknowledged == 2
    units = await store.acks_by_unit(made.id)
    assert sum(u.sent for u in units) == 120
    assert sum(u.acknowledged for u in units) == 2
    await services.links.delete_chat_data(first)  # /hapus_data: the read receipt goes too
    after = await store.figures(made.id)
    assert after is not None
    assert after.acknowledged == 1


async def test_a_stopped_broadcast_sends_nothing_more_and_a_scheduled_one_waits(
    services: Services,
) -> None:
    await seed(services.sessions, 30)
    await _link_all(services)
    store = services.broadcasts
    later = services.clock() + timedelta(hours=2)
    scheduled = await store.create(ADMIN_ID, Draft("Nanti", Audience()), later)
    stopped = await store.create(ADMIN_ID, Draft("Batal", Audience()))
    assert await store.cancel(stopped.id, 777, Access("gov", "PROV")) is False  # not theirs
    assert await store.cancel(stopped.id, ADMIN_ID, SUPER) is True
    bot = StubBot()
    await services.sender.send_due(cast(Bot, bot), 30)
    assert bot.sent == []
    services.clock.set(later + timedelta(seconds=1))
    await services.sender.send_due(cast(Bot, bot), 30)
    assert len(bot.sent) == 30
    assert {text for _, text in bot.sent} == {"📢 <b>Pengumuman</b>\n\nNanti"}
    counts = await store.figures(stopped.id)
    assert counts is not None
    assert counts.counts == {"cancelled": 30}
    assert scheduled.send_at == later


async def test_queueing_many_recipients_is_one_statement(services: Services) -> None:
    await seed(services.sessions, 360)
    await _link_all(services)
    made = await services.broadcasts.create(None, Draft("x", Audience()))
    async with services.sessions() as session:
        rows = await session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.kind == KIND, OutboxMessage.ref_id == made.id)
        )  # fmt: skip
    assert rows == made.recipients == 360


async def _wizard(api: FakeBotApi, admin: int, text: str) -> Any:
    """An admin's /umumkan up to the preview: all ASN, with the read button."""
    await reply_to(api, admin, "/umumkan")
    audience = await reply_to(api, admin, text)
    ack = await press(api, admin, audience, "bcw:aud:all")
    before = len(api.sent(admin))
    await api.press(admin, {"message_id": 1, "date": 0, "chat": {"id": admin,
                                                                  "type": "private"}},
                    "bcw:ack:yes")  # fmt: skip
    shown = await api.wait_for("sendMessage", admin, before + 2)
    return audience, ack, shown[before], shown[before + 1]


async def test_hr_announces_in_telegram_and_watches_it_arrive_and_be_read(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        users = await _link_all(svc)
        blocked = users[PEOPLE[0].nip]
        fake_api.blocked.add(blocked)
        audience, ack, sample, preview = await _wizard(
            fake_api, ADMIN_ID, "Apel pagi <b>wajib</b> hadir"
        )
        assert "Siapa penerimanya" in audience.params["text"]
        assert "Pemerintah daerah" in [label for label, _ in fake_api.buttons(audience)]
        assert "Saya sudah membaca" in ack.params["text"]
        assert "Apel pagi" in sample.params["text"]
        assert "Penerima: 40 orang" in preview.params["text"]
        progress = await press(fake_api, ADMIN_ID, preview, "bcw:go:now")
        assert "Siaran #" in progress.params["text"]
        reader = users[PEOPLE[1].nip]
        got = (await fake_api.wait_for("sendMessage", reader, 1))[0]
        assert "Apel pagi" in got.params["text"]
        assert fake_api.buttons(got) == [("Saya sudah membaca", got_data(got))]
        await fake_api.press(reader, {"message_id": 1, "date": 0,
                                      "chat": {"id": reader, "type": "private"}},
                             got_data(got))  # fmt: skip
        final = await _until_text(fake_api, ADMIN_ID, "Laporan siaran", 60)
        listing = await reply_to(fake_api, ADMIN_ID, "/siaran")
        number = int(got_data(got).split(":")[1])
        detail = await press(fake_api, ADMIN_ID, listing, f"bcd:{number}")
        edits = [c for c in fake_api.calls if c.method == "editMessageText"]
        to_chats = sum(1 for c in fake_api.calls if "chat_id" in c.params)
    # Replies and the broadcast share one meter: the sender leaves room for replies.
    assert svc.sender.traffic.total == to_chats
    assert "terkirim ke 39 dari 40" in final.params["text"]
    assert "tidak terjangkau 1" in final.params["text"]
    assert "sudah membaca 3%" in listing.params["text"]  # 1 of 39
    assert "Sudah membaca per unit" in detail.params["text"]
    assert any("selesai" in c.params["text"] for c in edits)


def got_data(call: Any) -> str:
    return str(FakeBotApi.buttons(call)[0][1])


async def _until_text(api: FakeBotApi, chat: int, text: str, within: float) -> Any:
    import asyncio
    import time

    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = [c for c in api.sent(chat) if text in c.params.get("text", "")]
        if found:
            return found[0]
        await asyncio.sleep(0.1)
    raise TimeoutError(text)


async def test_an_opd_admin_reaches_only_their_unit_and_forged_wizard_presses_do_nothing(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 360)
        await _link_all(svc)
        unit = max({p.unit_code for p in PEOPLE}, key=lambda c: sum(
            p.unit_code == c for p in PEOPLE))  # fmt: skip
        await svc.roles.grant(ADMIN_ID, 7001, "opd", unit)
        asker = FIRST_USER + 5
        await fake_api.press(asker, {"message_id": 1, "date": 0,
                                     "chat": {"id": asker, "type": "private"}},
                             "bcw:go:now")  # fmt: skip
        audience, _, _, preview = await _wizard(fake_api, 7001, "Rapat unit")
        labels = [label for label, _ in fake_api.buttons(audience)]
        async with svc.sessions() as session:
            queued = await session.scalar(select(func.count()).select_from(OutboxMessage))
    in_unit = sum(p.unit_code == unit for p in PEOPLE)
    assert "Pemerintah daerah" not in labels
    assert "Unit kerja" not in labels
    assert f"Penerima: {in_unit} orang" in preview.params["text"]
    assert queued == 0  # nothing was sent before "Kirim sekarang"


def test_operators_send_check_and_export_a_broadcast_from_the_command_line(
    tmp_path: Path,
) -> None:
    assert run(["demo", "seed"], tmp_path).returncode == 0
    database = sqlite3.connect(tmp_path / "cli.sqlite3")
    ids = [row[0] for row in database.execute("SELECT id FROM employees ORDER BY id")]
    database.executemany(
        "INSERT INTO users (id, language, last_seen_at, is_blocked, created_at, updated_at) "
        "VALUES (?, 'id', '2026-12-01 00:00:00', 0, '2026-12-01 00:00:00', "
        "'2026-12-01 00:00:00')", [(FIRST_USER + i,) for i in range(len(ids))])  # fmt: skip
    database.executemany(
        "INSERT INTO telegram_links (user_id, employee_id, linked_at) "
        "VALUES (?, ?, '2026-12-01 00:00:00')",
        [(FIRST_USER + i, e) for i, e in enumerate(ids)],
    )
    database.commit()
    database.close()
    message = tmp_path / "pesan.html"
    message.write_text("Batas unggah <b>SKP</b> 15 Desember.", encoding="utf-8")
    kerinci = len(_in("KERINCI-"))
    sent = run(["broadcast", "send", "--text-file", str(message), "--audience", "gov:KERINCI",
                "--ack", "--at", "2030-01-02T08:00"], tmp_path)  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    assert f"broadcast 1: {kerinci} recipients, from 2030-01-02 08:00 WIB" in sent.stdout
    wrong = run(["broadcast", "send", "--text-file", str(message), "--audience", "gov:X"],
                tmp_path)  # fmt: skip
    assert wrong.returncode == 2
    status = run(["broadcast", "status", "1"], tmp_path)
    assert f"1\tscheduled\t2030-01-02 08:00\t{kerinci}\t0\t0\t0\t{kerinci}\t0\tgov: KERINCI" in (
        status.stdout
    )
    exported = run(["broadcast", "export", "1", str(tmp_path / "b.xlsx")], tmp_path)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(BytesIO((tmp_path / "b.xlsx").read_bytes())).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("NIP", "Nama", "Unit", "Status")
    assert len(rows) == kerinci + 1
    assert {r[2].split("-")[0] for r in rows[1:]} == {"KERINCI"}
    assert {r[3] for r in rows[1:]} == {"pending"}


async def test_a_blocked_recipient_is_marked_unreachable_and_the_rest_go_on(
    services: Services,
) -> None:
    from telegram.error import Forbidden

    await seed(services.sessions, 10)
    users = await _link_all(services)
    made = await services.broadcasts.create(None, Draft("Info", Audience()))
    first = users[PEOPLE[0].nip]
    bot = StubBot({first: Forbidden("bot was blocked by the user")})
    await services.sender.send_due(cast(Bot, bot), 30)
    figures = await services.broadcasts.figures(made.id)
    assert figures is not None
    assert figures.counts == {"sent": 9, "unreachable": 1}
    async with services.sessions() as session:
        blocked = await session.scalar(select(User.is_blocked).where(User.id == first))
        await session.execute(update(User).values(is_blocked=False))
    assert blocked is True


async def test_a_document_announcement_is_scheduled_and_stopped_in_telegram(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 20)
        await _link_all(svc)
        await reply_to(fake_api, ADMIN_ID, "/umumkan")
        before = len(fake_api.sent(ADMIN_ID))
        await fake_api.send_document(ADMIN_ID, b"%PDF-1.4 jadwal", "jadwal.pdf",
                                     caption="Jadwal ujian dinas terlampir")  # fmt: skip
        audience = (await fake_api.wait_for("sendMessage", ADMIN_ID, before + 1))[before]
        ack = await press(fake_api, ADMIN_ID, audience, "bcw:aud:all")
        preview = await press(fake_api, ADMIN_ID, ack, "bcw:ack:no")
        sample = fake_api.sent(ADMIN_ID, "sendDocument")[-1]
        ask = await press(fake_api, ADMIN_ID, preview, "bcw:go:later")
        typo = await reply_to(fake_api, ADMIN_ID, "besok pagi")
        scheduled = await reply_to(fake_api, ADMIN_ID, "2030-01-02 08:00")
        async with svc.sessions() as session:
            number = await session.scalar(select(func.max(Broadcast.id)))
        stopped = await press(fake_api, ADMIN_ID, scheduled, f"bcx:{number}")
        figures = await svc.broadcasts.figures(int(number or 0))
    assert "Jadwal ujian dinas" in str(sample.params.get("caption"))
    assert "Penerima: 20 orang" in preview.params["text"]
    assert "WIB" in ask.params["text"]
    assert "tidak terbaca" in typo.params["text"]
    assert "dijadwalkan" in scheduled.params["text"]
    assert "2 Januari 2030" in scheduled.params["text"]
    assert "dihentikan" in stopped.params["text"]
    assert figures is not None
    assert (figures.status, figures.counts, figures.sent) == ("cancelled", {"cancelled": 20}, 0)
    assert figures.audience == Audience()
    assert fake_api.sent(FIRST_USER, "sendDocument") == []  # nothing went out
