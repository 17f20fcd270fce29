"""Dialogs through the real PTB Application and HTTP client, by long polling and by webhook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.accounts.dialogs import Dialog
from bot.commands import COMMANDS
from bot.config import Config
from bot.context import BotContext
from bot.i18n import Translator
from bot.replies import Reply
from db.models import HrQuestion, User
from handlers.common import send
from tests.bot_harness import WEBHOOK_SECRET, for_mode, press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

MODES = ["polling", "webhook"]
ALICE, BOB = 1001, 1002


@pytest.fixture(params=MODES)
def bot_config(
    request: pytest.FixtureRequest, make_config: Callable[..., Config], fake_api: FakeBotApi
) -> Config:
    return for_mode(make_config(fake_api), request.param)


async def test_start_greets_with_privacy_notice_and_main_buttons(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config):
        reply = await reply_to(fake_api, ALICE, "/start")
    text = reply.params["text"]
    assert "Asisten Karier ASN" in text
    assert "UU 27/2022" in text
    assert reply.params["parse_mode"] == "HTML"
    data = [d for _, d in fake_api.buttons(reply)]
    assert data == ["menu:consent", "menu:help", "menu:privacy", "menu:language"]


async def test_command_menu_is_published_per_language_and_for_admins(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config):
        await reply_to(fake_api, ALICE, "/start")
    default = fake_api.commands[(json.dumps({"type": "default"}), "")]
    english = fake_api.commands[(json.dumps({"type": "default"}), "en")]
    admin = fake_api.commands[(json.dumps({"chat_id": ADMIN_ID, "type": "chat"}), "")]
    assert [c["command"] for c in default] == [c.name for c in COMMANDS if c.level == "user"]
    assert [c["command"] for c in default][:5] == [
        "start",
        "bantuan",
        "bahasa",
        "privasi",
        "batal",
    ]
    assert default[0]["description"] == "Mulai dan menu utama"
    assert english[0]["description"] == "Start and main menu"
    assert "admin" in [c["command"] for c in admin]


async def test_consent_and_language_choice_are_stored(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        greeting = await reply_to(fake_api, ALICE, "/start")
        thanks = await press(fake_api, ALICE, greeting, "menu:consent")
        choice = await reply_to(fake_api, ALICE, "/bahasa")
        confirmed = await press(fake_api, ALICE, choice, "lang:en")
        help_reply = await reply_to(fake_api, ALICE, "/help")
        async with services(app).sessions() as session:
            user = await session.get(User, ALICE)
    assert user is not None
    assert user.consent_at is not None
    assert user.language == "en"
    t = Translator(bot_config.timezone)
    assert t.date(user.consent_at, "id") in thanks.params["text"]
    assert "WIB" in thanks.params["text"]
    assert [d for _, d in fake_api.buttons(choice)] == ["lang:id", "lang:en"]
    assert confirmed.params["text"] == "✅ Language changed to English."
    assert "Commands:" in help_reply.params["text"]


async def test_unknown_text_offers_hand_off_and_queues_it_once(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        offer = await reply_to(
            fake_api, ALICE, "bagaimana prosedur izin perkawinan kedua bagi pns pria?"
        )
        assert ("📨 Kirim ke petugas BKD/BKPSDM", "handoff:send") in fake_api.buttons(offer)
        queued = await press(fake_api, ALICE, offer, "handoff:send")
        await fake_api.press(ALICE, {"message_id": 1, "date": 0, "chat": {"id": ALICE,
                             "type": "private"}}, "handoff:send")  # fmt: skip
        await fake_api.wait_for("answerCallbackQuery", count=2)
        async with services(app).sessions() as session:
            questions = (await session.scalars(select(HrQuestion))).all()
    assert "diteruskan" in queued.params["text"]
    assert [(q.user_id, q.text) for q in questions] == [
        (ALICE, "bagaimana prosedur izin perkawinan kedua bagi pns pria?")
    ]
    second_answer = fake_api.sent(method="answerCallbackQuery")[-1]
    assert "Tidak ada pertanyaan" in second_answer.params["text"]


@pytest.mark.parametrize(
    "forged", ["lang:fr", "menu:../../etc", "menu:consent;drop", "handoff:send", "x" * 64, "🙂"]
)
async def test_forged_callback_data_is_acknowledged_and_changes_nothing(
    make_config: Callable[..., Config], fake_api: FakeBotApi, forged: str
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config) as app:
        await reply_to(fake_api, ALICE, "/start")
        await fake_api.press(ALICE, {"message_id": 1, "date": 0, "chat": {"id": ALICE,
                             "type": "private"}}, forged)  # fmt: skip
        await fake_api.wait_for("answerCallbackQuery")
        async with services(app).sessions() as session:
            user = await session.get(User, ALICE)
            questions = await session.scalar(select(func.count()).select_from(HrQuestion))
    assert len(fake_api.sent(ALICE)) == 1  # only the greeting
    assert user is not None
    assert (user.language, user.consent_at, questions) == ("id", None, 0)


async def _explode(update: Update, context: BotContext, dialog: Dialog) -> None:
    raise RuntimeError("step failed")


async def test_error_handler_apologises_and_keeps_serving_others(
    bot_config: Config, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(bot_config, flows={"boom": _explode}) as app:
        await reply_to(fake_api, ALICE, "/start")
        await services(app).dialogs.save(ALICE, Dialog("boom", "one"))
        apology = await reply_to(fake_api, ALICE, "rahasia 198601012010011001")
        other = await reply_to(fake_api, BOB, "/start")
    assert "terjadi kesalahan" in apology.params["text"]
    assert "Asisten Karier ASN" in other.params["text"]
    assert "RuntimeError" in caplog.text
    assert "rahasia" not in caplog.text
    assert "198601012010011001" not in caplog.text


async def _slow_echo(update: Update, context: BotContext, dialog: Dialog) -> None:
    await asyncio.sleep(0.2)
    assert update.effective_message is not None
    await send(update, _echo(update.effective_message.text or ""))


def _echo(text: str) -> Reply:
    return Reply(f"echo {text}")


async def test_users_run_concurrently_and_each_users_updates_stay_in_order(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config, flows={"slow": _slow_echo}) as app:
        await reply_to(fake_api, ALICE, "/start")
        await services(app).dialogs.save(ALICE, Dialog("slow", "one"))
        for i in range(4):
            await fake_api.send_text(ALICE, f"a{i}")
        bob = await reply_to(fake_api, BOB, "/start")
        alice = await fake_api.wait_for("sendMessage", ALICE, 5)
    echoes = [c.params["text"] for c in alice[1:]]
    assert echoes == ["echo a0", "echo a1", "echo a2", "echo a3"]
    assert bob.at < alice[-1].at  # Bob did not wait for Alice's queue


async def test_a_flooding_user_is_capped_and_does_not_starve_others(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling", max_pending_per_user=3)
    async with running_bot(config, flows={"slow": _slow_echo}) as app:
        await reply_to(fake_api, ALICE, "/start")
        await services(app).dialogs.save(ALICE, Dialog("slow", "one"))
        for i in range(40):
            await fake_api.send_text(ALICE, f"flood {i}")
        bob = await reply_to(fake_api, BOB, "/start", within=5)
        await asyncio.sleep(1.5)
    alice_echoes = [t for t in fake_api.texts(ALICE) if t.startswith("echo")]
    assert 3 <= len(alice_echoes) < 40
    assert bob.at < fake_api.sent(ALICE)[-1].at


async def _counter(update: Update, context: BotContext, dialog: Dialog) -> None:
    count = int(dialog.data.get("n", 0)) + 1
    assert update.effective_user is not None
    await context.services.dialogs.save(
        update.effective_user.id, Dialog("count", "n", {"n": count})
    )
    await send(update, _echo(str(count)))


async def test_conversation_state_survives_a_restart(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config, flows={"count": _counter}) as app:
        await services(app).users.touch(ALICE, "id")
        await services(app).dialogs.save(ALICE, Dialog("count", "n", {"n": 0}))
        first = await reply_to(fake_api, ALICE, "lanjut")
    async with running_bot(config, flows={"count": _counter}):
        second = await reply_to(fake_api, ALICE, "lanjut")
    assert (first.params["text"], second.params["text"]) == ("echo 1", "echo 2")


async def test_webhook_rejects_a_wrong_secret_token(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "webhook")
    assert fake_api.webhook_url == ""
    async with running_bot(config):
        assert fake_api.webhook_url == config.telegram.webhook.url
        assert fake_api.webhook_secret == WEBHOOK_SECRET
        update = {"update_id": 99, "message": {"message_id": 1, "date": 0, "text": "/start",
                  "chat": {"id": ALICE, "type": "private"}}}  # fmt: skip
        async with httpx.AsyncClient() as client:
            wrong = await client.post(
                fake_api.webhook_url, json=update,
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )  # fmt: skip
        await asyncio.sleep(0.3)
    assert wrong.status_code == 403
    assert fake_api.sent(ALICE) == []


async def test_a_webhook_update_delivered_twice_is_answered_once(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    """Telegram re-sends an update whose HTTP answer it did not get."""
    config = for_mode(make_config(fake_api), "webhook")
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    update = {"update_id": 41, "message": {"message_id": 3, "date": 0, "text": "naik pangkat?",
              "chat": {"id": ALICE, "type": "private"}, "from": fake_api.user(ALICE)}}  # fmt: skip
    async with running_bot(config), httpx.AsyncClient() as client:
        for _ in range(2):
            answered = await client.post(config.telegram.webhook.url, json=update, headers=headers)
            assert answered.status_code == 200
        await fake_api.wait_for("sendMessage", ALICE)
        later = {**update, "update_id": 42}
        await client.post(config.telegram.webhook.url, json=later, headers=headers)
        await fake_api.wait_for("sendMessage", ALICE, 2)
        await asyncio.sleep(0.5)
    assert len(fake_api.sent(ALICE)) == 2  # 41 once, then 42


async def test_two_processes_behind_one_webhook_share_a_conversation(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    """Telegram may deliver consecutive updates to different instances; state is in the DB."""
    first, second = (
        for_mode(make_config(fake_api), "webhook"),
        for_mode(make_config(fake_api), "webhook"),
    )
    headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
    chat = {"id": ALICE, "type": "private"}
    user = fake_api.user(ALICE)
    asked = "sy mau tanya ttg seragam dinas hari kamis"
    text = {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": chat, "from": user,
                                        "text": asked}}  # fmt: skip
    pressed = {"message_id": 6, "date": 0, "chat": chat}
    button = {"update_id": 2, "callback_query": {"id": "q1", "from": user, "chat_instance": "c",
              "data": "handoff:send", "message": pressed}}  # fmt: skip
    async with running_bot(first) as app_one, running_bot(second), httpx.AsyncClient() as client:
        await client.post(first.telegram.webhook.url, json=text, headers=headers)
        await fake_api.wait_for("sendMessage", ALICE)
        await client.post(second.telegram.webhook.url, json=button, headers=headers)
        queued = (await fake_api.wait_for("sendMessage", ALICE, 2))[1]
        async with services(app_one).sessions() as session:
            questions = (await session.scalars(select(HrQuestion))).all()
    assert "diteruskan" in queued.params["text"]
    assert [q.text for q in questions] == ["sy mau tanya ttg seragam dinas hari kamis"]


async def test_the_bot_stays_silent_in_group_chats(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    group = {"id": -100123, "type": "supergroup", "title": "Grup OPD"}
    command = [{"type": "bot_command", "offset": 0, "length": 6}]
    message = {"message_id": 9, "date": 0, "chat": group, "from": fake_api.user(ALICE),
               "text": "/start", "entities": command}  # fmt: skip
    async with running_bot(config):
        await fake_api.push_update({"message": message})
        await fake_api.push_update({"message": {**message, "text": "halo semua", "entities": []}})
        await reply_to(fake_api, BOB, "/start")
        await asyncio.sleep(0.5)  # the group updates came first; give them time to (not) answer
    assert fake_api.sent(-100123) == []
