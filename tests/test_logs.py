"""No NIP or token in the logs, whatever a caller passes."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bot import logs
from bot.config import Config
from bot.console import ConsoleChat
from bot.logs import RedactingFilter
from tests.bot_harness import reply_to, running_bot
from tests.fake_bot_api import FakeBotApi


def test_nips_and_tokens_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info(
            "user %s asked, token %s", "198609262015051001", "123456:ABCdefGHIjklMNOpqrSTUvwx"
        )
    assert "198609262015051001" not in caplog.text
    assert "ABCdefGHI" not in caplog.text
    assert "<nip>" in caplog.text
    assert "<token>" in caplog.text


def test_other_numbers_are_left_alone(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction.other")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("update %d took %d ms", 1234567, 12)
    assert "update 1234567 took 12 ms" in caplog.text


async def test_a_conversation_at_debug_level_logs_no_text_or_nip(
    config: Config, caplog: pytest.LogCaptureFixture
) -> None:
    logs.setup("DEBUG")
    logging.getLogger().addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    async with ConsoleChat(config) as chat:
        await chat.say("/start")
        await chat.say("nip sy 198609262015051001 rahasiaku gmn?")
        await chat.say("#1")
    assert "rahasiaku" not in caplog.text
    assert "198609262015051001" not in caplog.text
    logging.getLogger("bot.marker").debug("capture works")
    assert "capture works" in caplog.text  # the handler saw DEBUG records, just nothing personal


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.usefixtures("restore_logging")
async def test_json_logs_are_one_object_a_line_with_update_timings_and_nothing_personal(
    bot_config: Config, fake_api: FakeBotApi, capsys: pytest.CaptureFixture[str]
) -> None:
    logs.setup("DEBUG", "json")
    async with running_bot(bot_config):
        await reply_to(fake_api, 501, "/start")
        await reply_to(fake_api, 501, "nip sy 198609262015051001 rahasiaku kpn naik pangkat?")
        await reply_to(fake_api, 501, "/profil Budi_Santoso")
    err = capsys.readouterr().err
    records = [json.loads(line) for line in err.splitlines()]  # every line is one object
    assert {"time", "level", "logger", "message"} <= set(records[0])
    handled = [r for r in records if "update_id" in r]
    assert [r["update_kind"] for r in handled] == ["command:start", "message", "command:profil"]
    assert all(isinstance(r["update_id"], int) and r["duration_ms"] >= 0 for r in handled)
    for secret in ("198609262015051001", "rahasiaku", "Budi", "naik pangkat"):
        assert secret not in err
