"""What probing the running bot broke (issue 7), each reproduced through the real Application
and the fake Bot API: races between admins, long answers, broken HTML, unreadable updates,
crafted buttons, a failing database, and personal data in logs and drafts."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot import logs, views
from bot.accounts.dialogs import Dialog
from bot.accounts.linking import link_directly
from bot.config import Config
from bot.context import BotContext
from bot.i18n import Translator
from bot.logs import RedactingFilter, RedactingFormatter, safe_traceback
from bot.maintenance import seed
from bot.replies import MESSAGE_LIMIT, Reply, split_reply, visible_length
from db.models import Employee, HrQuestion
from handlers.common import send
from tests.bot_harness import admin_answers, for_mode, press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi, _parsed_text

ASKER = 8001
SECOND_ADMIN = 4243
NIP = "198609262015051001"


@pytest.fixture
def bot_config(make_config: Callable[..., Config], fake_api: FakeBotApi) -> Config:
    config = make_config(fake_api, superadmins=frozenset({ADMIN_ID, SECOND_ADMIN}))
    return for_mode(config, "polling")


def _message(user: int, chat_type: str = "private") -> dict[str, Any]:
    return {"message_id": 1, "date": 0, "chat": {"id": user, "type": chat_type}, "text": "x"}


async def test_two_admins_answering_at_once_deliver_one_answer(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        number = await svc.hr_queue.add(ASKER, "Bagaimana cuti di luar tanggungan?", "id")
        for admin in (ADMIN_ID, SECOND_ADMIN):
            await svc.users.touch(admin, "id")
            await svc.dialogs.save(admin, Dialog("hr_answer", "text", {"question": number}))
        await fake_api.send_text(ADMIN_ID, "Jawaban pertama.")
        await fake_api.send_text(SECOND_ADMIN, "Jawaban kedua.")
        told = [(await fake_api.wait_for("sendMessage", a))[0] for a in (ADMIN_ID, SECOND_ADMIN)]
        await asyncio.sleep(0.3)
        question = await svc.hr_queue.get(number)
    assert len(fake_api.sent(ASKER)) == 1
    assert sum("sudah dikirim" in c.params["text"] for c in told) == 1
    assert question is not None
    assert question.answer in fake_api.sent(ASKER)[0].params["text"]


async def test_a_double_press_at_once_queues_the_question_once(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        await svc.handoff.offer(ASKER, "pertanyaan yang tidak ada jawabannya", "id")
        results = await asyncio.gather(*(svc.handoff.send_pending(ASKER) for _ in range(4)))
        async with svc.sessions() as session:
            queued = await session.scalar(select(func.count()).select_from(HrQuestion))
    assert sum(r is not None for r in results) == 1
    assert queued == 1


async def test_a_long_answer_to_a_long_question_arrives_whole(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    question = "Saya mau tanya tentang mutasi. " * 60  # ~1,900 characters
    answer = "".join(f"Paragraf {i}: aturan & syarat <penting>.\n" for i in range(110))  # ~4,000
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        number = await svc.hr_queue.add(ASKER, question, "id")
        done = await admin_answers(fake_api, ADMIN_ID, number, answer)
        parts = await fake_api.wait_for("sendMessage", ASKER, 2)
        pending = await svc.hr_queue.undelivered()
    received = "\n".join(_parsed_text(c.params["text"]) for c in parts)
    assert "sudah dikirim" in done.params["text"]
    assert "Paragraf 0:" in received
    assert "Paragraf 109: aturan & syarat <penting>." in received
    assert "Saya mau tanya tentang mutasi." in received
    assert pending == []


def test_split_reply_keeps_every_part_valid_and_under_the_limit() -> None:
    text = "<b>Judul</b>\n" + "\n".join(f"<i>baris</i> {i} " + "x" * 90 for i in range(120))
    text += "\n<blockquote>" + "kutipan " * 900 + "</blockquote>"
    parts = split_reply(Reply(text))
    assert len(parts) > 1
    for part in parts:
        assert visible_length(part.text) <= MESSAGE_LIMIT
        _parsed_text(part.text)  # raises like Telegram on broken HTML


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_template_stays_valid_html_with_markup_characters_in_every_value(
    lang: str,
) -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import load_catalog

    t = Translator(ZoneInfo("Asia/Jakarta"))
    catalog = load_catalog(lang)
    checked = 0
    for key in catalog._catalog:  # type: ignore[attr-defined]
        if not isinstance(key, str) or not key:
            continue
        template = catalog.gettext(key)
        names = set(re.findall(r"{(\w+)(?::[^}]*)?}", template))
        if re.search(r"{\w+:", template):
            continue  # a number format: filled with numbers only
        rendered = t(lang, key, **dict.fromkeys(names, "<b>&x</i> <"))
        _parsed_text(rendered)
        checked += 1
    assert checked > 150


async def test_markup_in_an_employee_name_cannot_break_start_or_profile(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 5)
        async with svc.sessions() as session, session.begin():
            employee = (await session.scalars(select(Employee).limit(1))).one()
            employee.name = "<b>Siti & <i>Rina"
            employee.position_name = "Analis <SDM> & Aparatur"
            nip = employee.nip
        await svc.users.touch(ASKER, "id")
        await link_directly(svc.sessions, ASKER, nip)
        greeting = await reply_to(fake_api, ASKER, "/start")
        profile = await reply_to(fake_api, ASKER, "/profil")
    assert "&lt;b&gt;Siti" in greeting.params["text"]
    assert "Analis &lt;SDM&gt; &amp; Aparatur" in profile.params["text"]


async def _broken_html(update: Update, context: BotContext, dialog: Dialog) -> None:
    await send(update, Reply("<b>never closed"))


async def test_telegram_refusing_our_message_is_logged_as_an_error_and_the_user_told(
    bot_config: Config, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(bot_config, flows={"broken": _broken_html}) as app:
        await services(app).users.touch(ASKER, "id")
        await services(app).dialogs.save(ASKER, Dialog("broken", "x"))
        with caplog.at_level(logging.WARNING):
            await fake_api.send_text(ASKER, "apa saja")
            refused, apology = await fake_api.wait_for("sendMessage", ASKER, 2)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert refused.params["text"] == "<b>never closed"
    assert "Maaf" in apology.params["text"]
    assert any("rejected" in r.getMessage() for r in errors)
    assert not any("unreachable" in r.getMessage() for r in caplog.records)


async def test_an_update_the_library_cannot_parse_does_not_stop_polling(
    bot_config: Config, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "teks rahasia pengguna lain"
    logs.setup("DEBUG")  # as the CLI sets logging up, at its most verbose
    logging.getLogger().addHandler(caplog.handler)
    async with running_bot(bot_config):
        with caplog.at_level(logging.DEBUG):
            await fake_api.push_update({"message": {"message_id": "x", "text": secret}})
            await fake_api.push_update({"poll_answer": {"poll_id": 5}})
            reply = await reply_to(fake_api, ASKER, "/start")
            again = await reply_to(fake_api, ASKER, "/bantuan")
    assert "Halo" in reply.params["text"]
    assert "Bantuan" in again.params["text"]
    assert secret not in caplog.text


async def test_crafted_or_foreign_buttons_are_only_acknowledged(
    bot_config: Config, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    crafted = [
        "menu:help\n",
        "",
        "lang:id\n",
        "hr:answer:١٢",
        "kb:rate:x:up\n",
        "delete:confirm\n",
    ]
    async with running_bot(bot_config):
        with caplog.at_level(logging.WARNING):
            for data in crafted:
                await fake_api.press(ASKER, _message(ASKER), data)
            await fake_api.push_update({"callback_query": {
                "id": "nodata", "from": fake_api.user(ASKER), "chat_instance": "c",
                "message": _message(ASKER)}})  # fmt: skip
            await fake_api.press(ASKER, _message(-100123, "group"), "menu:help")
            await fake_api.press(ADMIN_ID, _message(-100124, "supergroup"), "hr:answer:1")
            await fake_api.wait_for("answerCallbackQuery", count=len(crafted) + 3)
            await asyncio.sleep(0.3)
    assert fake_api.sent() == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_failing_database_gets_one_apology_per_message(
    bot_config: Config, fake_api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(*_args: object) -> None:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("database is down"))

    async with running_bot(bot_config) as app:
        monkeypatch.setattr(services(app).users, "touch", down)
        await fake_api.send_text(ASKER, "kp reguler brp thn sekali?")
        await fake_api.wait_for("sendMessage", ASKER)
        await asyncio.sleep(0.5)
    texts = fake_api.texts(ASKER)
    assert len(texts) == 1
    assert "Maaf" in texts[0]


async def test_deleting_chat_data_deletes_drafts_made_from_ones_questions(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        number = await svc.hr_queue.add(ASKER, "Rahasia kecil saya soal mutasi istri", "id")
        done = await admin_answers(fake_api, ADMIN_ID, number, "Bisa, ajukan ke BKPSDM.")
        await press(fake_api, ADMIN_ID, done, f"hr:draft:{number}")
        draft = bot_config.drafts_dir / f"pertanyaan-{number}.toml"
        existed = draft.exists()
        ask = await reply_to(fake_api, ASKER, "/hapus_data")
        await press(fake_api, ASKER, ask, fake_api.buttons(ask)[0][1])
    assert existed
    assert not draft.exists()


def test_tracebacks_and_crash_reports_carry_no_nip_or_message() -> None:
    name = "Siti " + "Rahasia"
    try:
        raise ValueError(f"row for {NIP} named {name} failed")
    except ValueError as exc:
        error = exc
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed: %s", ("boom",),
                               (type(error), error, error.__traceback__))  # fmt: skip
    formatted = RedactingFormatter("%(message)s").format(record)
    trace = safe_traceback(error)
    assert NIP not in formatted
    assert "Siti Rahasia" not in trace
    assert "ValueError" in trace


def test_raw_update_dumps_from_the_library_are_dropped() -> None:
    record = logging.LogRecord(
        "telegram.ext._utils.webhookhandler", logging.CRITICAL, __file__, 1,
        "Something went wrong. Received data was: %r", ({"text": "pesan orang lain"},), None,
    )  # fmt: skip
    RedactingFilter().filter(record)
    assert "pesan orang lain" not in record.getMessage()


def test_the_cli_reports_a_crash_without_its_message(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli import report_crash

    name = "Siti " + "Rahasia"
    try:
        raise RuntimeError(f"locked while writing {NIP} {name} 1986-09-26")
    except RuntimeError as exc:
        report_crash(exc)
    err = capsys.readouterr().err
    assert NIP not in err
    assert "Siti Rahasia" not in err
    assert "RuntimeError" in err


def test_the_error_view_exists_in_both_languages() -> None:
    from zoneinfo import ZoneInfo

    t = Translator(ZoneInfo("Asia/Jakarta"))
    assert views.error(t, "id").text != views.error(t, "en").text
