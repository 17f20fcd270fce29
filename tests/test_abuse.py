"""Abuse through the real Application and HTTP stack: a flooding user is slowed and told so,
while everyone else is answered."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import Config
from bot.i18n import Translator
from tests.bot_harness import for_mode, reply_to, running_bot
from tests.fake_bot_api import FakeBotApi

FLOODER, OTHER = 7001, 7002


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["id", "en"])
async def test_a_flooding_user_is_told_once_to_slow_down_and_others_are_answered(
    bot_config: Config, fake_api: FakeBotApi, language: str
) -> None:
    config = for_mode(bot_config, "polling", user_updates_per_minute=5)
    notice = str(Translator(config.timezone)(language, "flood.slow_down"))
    async with running_bot(config):
        if language == "en":
            await reply_to(fake_api, FLOODER, "/bahasa")  # the choice is stored, then used
            await fake_api.press(FLOODER, {"message_id": 1, "date": 0,
                                           "chat": {"id": FLOODER, "type": "private"},
                                           "text": ""}, "lang:en")  # fmt: skip
            await asyncio.sleep(0.5)
        before = len(fake_api.sent(FLOODER))
        for _ in range(30):
            await fake_api.send_text(FLOODER, "kapan naik pangkat?")
        answer = await reply_to(fake_api, OTHER, "kapan saya bisa naik pangkat reguler?")
        assert "pangkat" in answer.params["text"].lower()
        await fake_api.wait_for("sendMessage", FLOODER, before + 2, 10)
        await asyncio.sleep(1)
        texts = fake_api.texts(FLOODER)[before:]
    assert texts.count(notice) == 1
    answered = [t for t in texts if t != notice]
    assert 1 <= len(answered) <= 5  # the burst, minus what /bahasa used in English
