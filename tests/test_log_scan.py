"""The logs of a whole day of the bot hold no NIP, name, code, user id or message text.

The real Application on the fake Bot API, logging set up as the CLI does (``logs.setup`` at
DEBUG, as text and as JSON), every logger's records going through the bot's own handler into a
buffer, and everything the process and its worker write to file descriptors 1 and 2 captured as
well. The scenario: HR imports employees (names), issues a link code, a person links with a
wrong and then the right code, asks for their own data, asks rule questions, writes an NIP and a
name into a question, hands a question to HR that an admin answers, receives an announcement,
answers a rotation reminder with a reason in their own words, and meets two failures (a step
raising, the database down) whose errors quote personal data. Each message carries a made-up
marker word; none of them, nor any NIP, name, code, the user's id or the bot token, may reach
the output. Library loggers keep the levels ``logs.setup`` gives them (python-telegram-bot and
SQLAlchemy would print whole updates and statement parameters at DEBUG): that is the setting
under test.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot import logs
from bot.accounts.dialogs import Dialog
from bot.app import App
from bot.config import Config
from bot.context import BotContext
from bot.jobs import send_due
from db.models import HrQuestion, ReadinessAnswer, Rotation
from tests.bot_harness import admin_answers, for_mode, press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import Call, FakeBotApi
from tests.test_broadcast import _until_text, _wizard

TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"
PERSON = 731_904_586  # a distinctive Telegram id: it must not be logged either
NIP_A, NIP_B = "198805142012031002", "199107232019022001"
NIP_B_TYPED = "19910723 201902 2 001"  # as people write it, with spaces
NAME_A, NAME_B = "Zebrafoo Qwertyansyah", "Yodelbar Plonkputri"
# What a person or HR writes, each text carrying one made-up word of its own.
RULE_QUESTION = "kapan kenaikan pangkat reguler quixplor?"
SECOND_RULE_QUESTION = "berapa hari cuti tahunan pns snargleby"
NIP_AND_NAME = f"nip saya {NIP_B_TYPED} a.n. {NAME_B}, kapan saya naik pangkat vornixet?"
HAND_OFF = "bagaimana prosedur izin perkawinan kedua bagi pns pria grimblewick?"
HR_ANSWER = "Ajukan izin ke pejabat pembina kepegawaian, lampirkan surat flumpernak."
BROADCAST = "Apel pagi wajib hadir di halaman kantor, bawa seragam snorklewump."
ROTATION_REASON = "Penguatan perencanaan drobbleset di BPSDM"
READINESS_REASON = "Anak saya masih sekolah di sini plinkerdoo"
FAILING_STEP = "tolong cek data saya krumpelfax"
DATABASE_DOWN = "apakah masih bisa bertanya zintrovak?"
TEXTS = (RULE_QUESTION, SECOND_RULE_QUESTION, NIP_AND_NAME, HAND_OFF, HR_ANSWER, BROADCAST,
         ROTATION_REASON, READINESS_REASON, FAILING_STEP, DATABASE_DOWN)  # fmt: skip
MARKERS = ("quixplor", "snargleby", "vornixet", "grimblewick", "flumpernak", "snorklewump",
           "drobbleset", "plinkerdoo", "krumpelfax", "zintrovak")  # fmt: skip
EMPLOYEES_HEADER = (
    "NIP,Nama,Jenis Pegawai,Unit Kerja,Jabatan,Jenis Jabatan,Jenjang,Golongan,TMT Golongan,"
    "TMT Jabatan,TMT CPNS,Pendidikan,SKP 2024,SKP 2025,JP 2025\n"
)
ROTATION_HEADER = (
    "NIP,Unit Tujuan,Jabatan Tujuan,Jenis Jabatan Tujuan,Jenjang Tujuan,TMT,Nomor SK,Kelompok,"
    "Alasan\n"
)
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")
LIBRARY_LOGGERS = ("telegram", "httpx", "httpcore", "sqlalchemy", "apscheduler", "aiosqlite",
                   "asyncio", "alembic", "telegram.ext.Application")  # fmt: skip


@pytest.fixture
def bot_config(make_config: Callable[..., Config], fake_api: FakeBotApi) -> Config:
    return for_mode(make_config(fake_api), "polling")


@pytest.fixture
def captured_logs() -> Iterator[Callable[[str], io.StringIO]]:
    """Set logging up as the CLI does, writing into a buffer; everything restored after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}

    def start(form: str) -> io.StringIO:
        logs.setup("DEBUG", form)
        buffer = io.StringIO()
        handler = root.handlers[0]
        assert isinstance(handler, logging.StreamHandler)
        handler.setStream(buffer)
        return buffer

    yield start
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def _employees() -> bytes:
    return (
        EMPLOYEES_HEADER
        + f"{NIP_A},{NAME_A},PNS,PROV-BKD,Analis Sumber Daya Manusia Aparatur Ahli Muda,"
        "Fungsional,Ahli Muda,III/c,2021-04-01,2021-04-01,2012-03-01,S1,Baik,Sangat Baik,24\n"
        f"{NIP_B},{NAME_B},PNS,KERINCI-BKPSDM,Pengadministrasi Perkantoran,Pelaksana,,II/c,"
        "2019-02-01,2020-01-02,2019-02-01,D3,Baik,Baik,12\n"
    ).encode()


def _rotations(tmt: date) -> bytes:
    return (
        ROTATION_HEADER
        + f"{NIP_A},PROV-BPSDM,Analis SDM Aparatur Ahli Muda,Fungsional,Ahli Muda,{tmt},,"
        f"Rotasi Uji,{ROTATION_REASON}\n"
    ).encode()


def _at(day: date, hour: int = 9) -> datetime:
    """A moment in Jakarta (UTC+7) on ``day``."""
    return datetime.combine(day, time(hour), UTC) - timedelta(hours=7)


async def _failing_step(update: Update, context: BotContext, dialog: Dialog) -> None:
    raise RuntimeError(f"no row for {NIP_A} ({NAME_A}): {FAILING_STEP}")


async def _document(api: FakeBotApi, content: bytes, name: str) -> str:
    """HR sends a file; the bot's answer."""
    before = len(api.sent(ADMIN_ID))
    await api.send_document(ADMIN_ID, content, name)
    return str(
        (await api.wait_for("sendMessage", ADMIN_ID, before + 1, 60))[before].params["text"]
    )


async def _scenario(app: App, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch) -> str:
    """Everything the bot does in a day; the link code it issued."""
    svc = services(app)

    async def say(text: str) -> Call:
        return await reply_to(api, PERSON, text)

    texts: dict[str, Call] = {}

    # HR imports the employees and issues a code; an admin looks a person up.
    await reply_to(api, ADMIN_ID, "/start")
    assert "diimpor" in await _document(api, _employees(), "pegawai.csv")
    issued = await reply_to(api, ADMIN_ID, f"/kode_tautan {NIP_A}")
    found = CODE.search(str(issued.params["text"]))
    assert found is not None
    code = found.group(0)
    await reply_to(api, ADMIN_ID, f"/profil_pegawai {NIP_B}")

    # The person agrees, links (a wrong code first), and asks for their own data.
    greeting = await say("/start")
    await press(api, PERSON, greeting, "menu:consent")
    await say("/daftar")
    await say(NIP_A)
    assert "tidak cocok" in (await say("QWER-TYUP")).params["text"]
    assert "tertaut sebagai" in (await say(code.lower().replace("-", " "))).params["text"]
    for command in ("/profil", "/kompetensi", "/pelatihan", "/karier", "/rotasi", "/privasi"):
        texts[command] = await say(command)
    assert NAME_A in texts["/profil"].params["text"]
    await say(f"/{NAME_B.split()[1].lower()}")  # a name typed as a command

    # Rule questions, one with an NIP and a name in it.
    for text in (RULE_QUESTION, SECOND_RULE_QUESTION, NIP_AND_NAME):
        await say(text)

    # A question for HR, answered by an admin.
    offer = await say(HAND_OFF)
    assert ("📨 Kirim ke petugas BKD/BKPSDM", "handoff:send") in api.buttons(offer)
    await press(api, PERSON, offer, "handoff:send")
    async with svc.sessions() as session:
        number = await session.scalar(select(HrQuestion.id).where(HrQuestion.user_id == PERSON))
    assert number is not None
    await admin_answers(api, ADMIN_ID, number, HR_ANSWER)
    await _until_text(api, PERSON, "flumpernak", 20)

    # An announcement to every linked person.
    *_, preview = await _wizard(api, ADMIN_ID, BROADCAST)
    await press(api, ADMIN_ID, preview, "bcw:go:now")
    await _until_text(api, PERSON, "snorklewump", 30)
    await _until_text(api, ADMIN_ID, "Laporan siaran", 30)  # before HR's next file, not after

    # A rotation plan; the reminder answered "not ready" with a reason in the person's words.
    start = date(2027, 1, 4)
    svc.clock.set(_at(start))
    assert "diimpor" in await _document(api, _rotations(start + timedelta(days=20)), "rotasi.csv")
    async with svc.sessions() as session:
        rotation = await session.scalar(select(Rotation.id))
    await send_due(app.bot, svc)
    reminder = await _until_text(api, PERSON, "Pengingat rotasi", 20)
    first = await press(api, PERSON, reminder, f"rdy:{rotation}:not_ready")
    async with svc.sessions() as session:
        answer = await session.scalar(select(ReadinessAnswer.id))
    second = await press(api, PERSON, first, f"adk:{answer}:0:yes")
    third = await press(api, PERSON, second, f"adk:{answer}:1:no")
    reasons = await press(api, PERSON, third, f"adk:{answer}:2:skip")
    await press(api, PERSON, reasons, f"rsn:{answer}:location")
    helped = await say(READINESS_REASON)
    assert "kesediaan untuk pindah" in helped.params["text"]
    svc.clock.set(None)

    # Failures whose errors quote personal data: a step raising, then the database down.
    await svc.dialogs.save(PERSON, Dialog("boom", "one"))
    assert "Maaf" in (await say(FAILING_STEP)).params["text"]
    await svc.dialogs.end(PERSON)

    async def down(*_args: object) -> None:
        statement = f"SELECT * FROM employees WHERE nip = '{NIP_A}'"
        raise OperationalError(statement, {"name": NAME_A}, ConnectionRefusedError(NAME_B))

    with monkeypatch.context() as patched:
        patched.setattr(svc.users, "touch", down)
        assert "Maaf" in (await say(DATABASE_DOWN)).params["text"]
    return code


@pytest.mark.parametrize("form", ["text", "json"])
async def test_a_whole_scenario_logs_nothing_personal(
    bot_config: Config,
    fake_api: FakeBotApi,
    form: str,
    captured_logs: Callable[[str], io.StringIO],
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    buffer = captured_logs(form)
    async with running_bot(bot_config, flows={"boom": _failing_step}) as app:
        code = await _scenario(app, fake_api, monkeypatch)
    output = capfd.readouterr()
    logged = buffer.getvalue()
    everything = "\n".join((logged, output.out, output.err)).lower()

    secrets = [NIP_A, NIP_B, NIP_B_TYPED, NAME_A, NAME_B, *NAME_A.split(), *NAME_B.split()]
    secrets += [code, code.replace("-", ""), str(PERSON), *TEXTS, *MARKERS]
    secrets += [fake_api.token, fake_api.token.replace(":", "%3A")]  # the bot token too
    leaked = sorted({s for s in secrets if s.lower() in everything})
    assert leaked == []

    # The capture did work: the bot's own lines of the scenario are in it.
    for expected in ("bot started (polling)", "command:daftar", "command:profil", "button:rdy",
                     "(document)", "(command)", "error while handling update", "RuntimeError",
                     "OperationalError", "bot.outbox.sender", "tornado.access"):  # fmt: skip
        assert expected in logged, expected
    if form == "json":
        assert logged.lstrip().startswith("{")
        assert '"update_kind": "message"' in logged
