"""Nothing lost: the bot process is killed mid-conversation and a new one carries on."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from db.models import HrQuestion
from db.session import create_engine, session_factory
from tests.fake_bot_api import FakeBotApi

ASNBOT = str(Path(sys.executable).parent / "asnbot")
ALICE = 2001


async def _start_bot(api: FakeBotApi, db_url: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ASNBOT_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": api.token,
        "TELEGRAM_API_BASE_URL": api.base_url,
        "ASNBOT_DATABASE_URL": db_url,
    }
    return await asyncio.create_subprocess_exec(
        ASNBOT, "run", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )


async def test_a_killed_bot_resumes_the_conversation_without_duplicates(
    fake_api: FakeBotApi, db_url: str
) -> None:
    first = await _start_bot(fake_api, db_url)
    await fake_api.send_text(ALICE, "prosedur izin perkawinan kedua bagi pns pria?")
    offer = (await fake_api.wait_for("sendMessage", ALICE, within=60))[0]
    first.kill()  # SIGKILL: no clean-up at all
    await first.wait()

    second = await _start_bot(fake_api, db_url)
    try:
        message = {"message_id": 1, "date": 0, "chat": {"id": ALICE, "type": "private"}}
        assert ("📨 Kirim ke petugas BKD/BKPSDM", "handoff:send") in fake_api.buttons(offer)
        await fake_api.press(ALICE, message, "handoff:send")
        await fake_api.press(ALICE, message, "handoff:send")
        await fake_api.wait_for("answerCallbackQuery", count=2, within=60)
        texts = fake_api.texts(ALICE)
    finally:
        second.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(second.wait(), 30) == 0

    engine = create_engine(db_url)
    async with session_factory(engine)() as session:
        questions = (await session.scalars(select(HrQuestion))).all()
    await engine.dispose()
    assert [q.text for q in questions] == ["prosedur izin perkawinan kedua bagi pns pria?"]
    assert sum("diteruskan" in t for t in texts) == 1
