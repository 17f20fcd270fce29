"""The whole rotation loop through the real Application and the fake Bot API: a reminder falls
due, the person answers "not ready", walks the check, gets help that fits; HR is alerted; later
reminders come one at a time, none after the TMT, check-ins after it; forged presses do nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.accounts.linking import link_directly
from bot.config import Config
from bot.context import Services
from bot.hr import checking
from bot.hr.imports import apply
from bot.jobs import send_due
from db.models import OutboxMessage, ReadinessAnswer, Rotation
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import Call, FakeBotApi

TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"
PERSON, STRANGER = 5101, 5102
NIP_A, NIP_B = "198805142012031002", "199107232019022001"
HEADER = (
    "NIP,Unit Tujuan,Jabatan Tujuan,Jenis Jabatan Tujuan,Jenjang Tujuan,TMT,Nomor SK,Kelompok,"
    "Alasan\n"
)


def _at(day: date, hour: int = 9) -> datetime:
    """A moment in Jakarta (UTC+7) on ``day``."""
    return datetime.combine(day, time(hour), UTC) - timedelta(hours=7)


async def _setup(svc: Services, api: FakeBotApi, start: date, tmt: date, link: bool = True) -> int:
    svc.clock.set(_at(start))
    employees = (TEMPLATES / "pegawai.csv").read_bytes()
    await apply(svc.sessions, checking.parse(employees, "p.csv", "employees", start), 1)
    await reply_to(api, PERSON, "/start")
    await reply_to(api, STRANGER, "/start")
    if link:
        assert await link_directly(svc.sessions, PERSON, NIP_A)
    plan = (HEADER + f"{NIP_A},PROV-BPSDM,Analis SDM Aparatur Ahli Muda,Fungsional,Ahli Muda,"
            f"{tmt},,Rotasi Uji,Penguatan perencanaan di BPSDM\n"
            f"{NIP_B},PROV-BKD,Pengadministrasi,Pelaksana,,{tmt},,Rotasi Uji,\n")  # fmt: skip
    parsed = checking.parse(plan.encode(), "rotasi.csv", "rotations", start)
    applied = await apply(svc.sessions, parsed, 1, svc.planner, svc.clock())
    assert applied.inserted == 2
    async with svc.sessions() as session:
        return int(
            await session.scalar(
                select(Rotation.id).where(Rotation.to_position_type == "fungsional")
            )
            or 0
        )


async def _sweep(svc: Services, app_bot: object) -> None:
    await send_due(app_bot, svc)  # type: ignore[arg-type]


def _reminders(api: FakeBotApi) -> list[Call]:
    return [c for c in api.sent(PERSON) if "Pengingat rotasi" in c.params.get("text", "")]


async def test_the_readiness_loop_from_reminder_to_help_and_hr_alert(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    start = date(2027, 1, 4)
    tmt = start + timedelta(days=20)  # the 30-day reminder is past, the 14-day one ahead
    async with running_bot(bot_config) as app:
        svc = services(app)
        rotation = await _setup(svc, fake_api, start, tmt)
        await _sweep(svc, app.bot)
        await _sweep(svc, app.bot)  # a second sweep sends nothing more
        reminders = _reminders(fake_api)
        assert len(reminders) == 1
        reminder = reminders[0]
        text = reminder.params["text"]
        assert "20 hari lagi" in text
        assert "Penguatan perencanaan di BPSDM" in text
        labels = [label for label, _ in fake_api.buttons(reminder)]
        assert labels == ["Siap", "Perlu pendampingan", "Belum siap"]

        first_line = await press(fake_api, PERSON, reminder, f"rdy:{rotation}:not_ready")
        await press(fake_api, PERSON, reminder, f"rdy:{rotation}:not_ready")  # a double tap
        assert "Saya paham alasan rotasi ini" in first_line.params["text"]
        await fake_api.wait_for("sendMessage", ADMIN_ID, 1)  # sent at once, not at the sweep
        await _sweep(svc, app.bot)
        alerts = fake_api.texts(ADMIN_ID)
        assert len(alerts) == 1  # the double tap made one answer and one alert
        assert any("Belum siap" in a and "198805142012031002" not in a for a in alerts)

        answer = await _answer_id(svc, rotation)
        second = await press(fake_api, PERSON, first_line, f"adk:{answer}:0:yes")
        assert "bersedia" in second.params["text"]
        third = await press(fake_api, PERSON, second, f"adk:{answer}:1:no")
        assert ("Lewati", f"adk:{answer}:2:skip") in fake_api.buttons(third)
        reasons = await press(fake_api, PERSON, third, f"adk:{answer}:2:skip")
        assert "memberatkan" in reasons.params["text"]
        note = await press(fake_api, PERSON, reasons, f"rsn:{answer}:location")
        assert "Lewati" in [label for label, _ in fake_api.buttons(note)]
        help_reply = await reply_to(fake_api, PERSON, "Anak saya masih sekolah di sini")
        assert "kesediaan untuk pindah" in help_reply.params["text"]
        assert f"hrtalk:{answer}" in [data for _, data in fake_api.buttons(help_reply)]

        async with svc.sessions() as session:
            row = await session.get(ReadinessAnswer, answer)
            assert row is not None
            assert (row.status, row.barrier, row.reason) == ("not_ready", "desire", "location")
            assert row.note == "Anak saya masih sekolah di sini"
            assert row.blocks["awareness"] == "yes"
            assert row.blocks["ability"] == "skipped"

        # The 14-day reminder, then the 7 and 1 day ones; nothing on or after the TMT.
        for day in (tmt - timedelta(days=14), tmt - timedelta(days=7), tmt - timedelta(days=1)):
            svc.clock.set(_at(day))
            await _sweep(svc, app.bot)
        svc.clock.set(_at(tmt, 12))
        await _sweep(svc, app.bot)
        assert len(_reminders(fake_api)) == 4

        # The 30-day check-in after the TMT; "needs help" alerts HR.
        svc.clock.set(_at(tmt + timedelta(days=30)))
        await _sweep(svc, app.bot)
        checkins = [c for c in fake_api.sent(PERSON) if "Bagaimana di tempat baru" in
                    c.params.get("text", "")]  # fmt: skip
        assert len(checkins) == 1
        alerts_before = len(fake_api.sent(ADMIN_ID))
        await press(fake_api, PERSON, checkins[0], f"chk:{rotation}:30:help")
        await fake_api.wait_for("sendMessage", ADMIN_ID, alerts_before + 1)
        assert any("Butuh bantuan" in a for a in fake_api.texts(ADMIN_ID))

        # /hapus_data takes the readiness answers given in this chat with it.
        ask = await reply_to(fake_api, PERSON, "/hapus_data")
        await press(fake_api, PERSON, ask, "delete:confirm")
        async with svc.sessions() as session:
            left = (await session.scalars(select(ReadinessAnswer))).all()
            rotations = (await session.scalars(select(Rotation))).all()
        assert left == []
        assert len(rotations) == 2  # the plan is HR's and stays


async def _answer_id(svc: Services, rotation: int) -> int:
    async with svc.sessions() as session:
        found = await session.scalar(
            select(ReadinessAnswer.id).where(ReadinessAnswer.rotation_id == rotation)
        )
        assert found is not None
        return int(found)


async def test_a_person_linked_late_gets_only_the_latest_reminder(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    start = date(2027, 1, 4)
    tmt = start + timedelta(days=35)
    async with running_bot(bot_config) as app:
        svc = services(app)
        await _setup(svc, fake_api, start, tmt, link=False)
        svc.clock.set(_at(tmt - timedelta(days=3)))  # the 30, 14 and 7 day reminders are past
        await _sweep(svc, app.bot)
        assert _reminders(fake_api) == []  # nobody to send to yet
        assert await link_directly(svc.sessions, PERSON, NIP_A)
        await _sweep(svc, app.bot)
        await _sweep(svc, app.bot)
        reminders = _reminders(fake_api)
        assert len(reminders) == 1
        assert "3 hari lagi" in reminders[0].params["text"]


async def test_forged_and_foreign_presses_change_nothing(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    start = date(2027, 1, 4)
    async with running_bot(bot_config) as app:
        svc = services(app)
        rotation = await _setup(svc, fake_api, start, start + timedelta(days=20))
        message = {"message_id": 1, "date": 0, "chat": {"id": STRANGER, "type": "private"}}
        forged = (f"rdy:{rotation}:ready", f"rdy:{rotation + 1}:not_ready",
                  f"rdy:{rotation}:maybe", "adk:1:0:yes", f"chk:{rotation}:30:help")  # fmt: skip
        for data in forged:
            await fake_api.press(STRANGER, message, data)
        await fake_api.wait_for("answerCallbackQuery", None, 5, 10)
        async with svc.sessions() as session:
            answers = (await session.scalars(select(ReadinessAnswer))).all()
            alerts = (await session.scalars(select(OutboxMessage))).all()
        assert answers == []
        assert alerts == []


async def test_the_reminder_comes_in_the_persons_language_and_the_last_answer_counts(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    start = date(2027, 1, 4)
    async with running_bot(bot_config) as app:
        svc = services(app)
        rotation = await _setup(svc, fake_api, start, start + timedelta(days=20), link=False)
        english = 5103
        await fake_api.send_text(english, "/start", language="en")
        await fake_api.wait_for("sendMessage", english, 1)
        assert await link_directly(svc.sessions, english, NIP_A)
        await _sweep(svc, app.bot)
        reminder = next(c for c in fake_api.sent(english) if "Rotation reminder" in
                        c.params.get("text", ""))  # fmt: skip
        labels = [label for label, _ in fake_api.buttons(reminder)]
        assert labels == ["Ready", "Need support", "Not ready"]
        await press(fake_api, english, reminder, f"rdy:{rotation}:support")
        await press(fake_api, english, reminder, f"rdy:{rotation}:ready")
        latest = await svc.readiness.latest(rotation)
        async with svc.sessions() as session:
            history = list(await session.scalars(
                select(ReadinessAnswer.status).where(ReadinessAnswer.rotation_id == rotation)
                .order_by(ReadinessAnswer.id)
            ))  # fmt: skip
        assert latest is not None
        assert latest.status == "ready"
        assert history == ["support", "ready"]
