"""Rule questions, ratings and the HR queue through the real Application and the fake Bot API."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot import jobs
from bot.config import Config
from db.models import AnswerRating, HrQuestion
from tests.bot_harness import admin_answers, press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

ASKER = 3001


async def test_a_rule_question_gets_the_rule_its_basis_and_rating_buttons(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        answer = await reply_to(fake_api, ASKER, "kp reguler brp thn sekali sih?")
        await fake_api.press(ASKER, {"message_id": 1, "date": 0, "chat": {"id": ASKER,
                             "type": "private"}}, "kb:rate:kp-reguler-syarat:up")  # fmt: skip
        await fake_api.wait_for("answerCallbackQuery")
        async with services(app).sessions() as session:
            ratings = (await session.scalars(select(AnswerRating))).all()
    text = answer.params["text"]
    assert "4 tahun" in text
    assert "Dasar hukum" in text
    assert "PP 99/2000" in text
    assert fake_api.buttons(answer)[:2] == [
        ("👍", "kb:rate:kp-reguler-syarat:up"),
        ("👎", "kb:rate:kp-reguler-syarat:down"),
    ]
    assert [(r.user_id, r.entry_id, r.rating) for r in ratings] == [
        (ASKER, "kp-reguler-syarat", 1)
    ]


async def test_an_english_question_is_answered_in_english(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config):
        answer = await reply_to(
            fake_api, ASKER, "What are the requirements for a regular rank promotion?"
        )
    assert "at least 4 years" in answer.params["text"]
    assert "Legal basis" in answer.params["text"]


async def test_refusals_say_why_and_offer_no_rule_answer(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config):
        answer = await reply_to(fake_api, ASKER, "berapa gaji pak budi kepala dinas?")
    assert "UU 27/2022" in answer.params["text"]
    assert fake_api.buttons(answer) == []


async def test_forged_entry_buttons_are_ignored(bot_config: Config, fake_api: FakeBotApi) -> None:
    message = {"message_id": 1, "date": 0, "chat": {"id": ASKER, "type": "private"}}
    async with running_bot(bot_config) as app:
        await fake_api.press(ASKER, message, "kb:show:tidak-ada")
        await fake_api.press(ASKER, message, "kb:rate:tidak-ada:down")
        await fake_api.press(ASKER, message, "hr:answer:1")  # not an admin
        await fake_api.wait_for("answerCallbackQuery", count=3)
        async with services(app).sessions() as session:
            ratings = (await session.scalars(select(AnswerRating))).all()
    assert fake_api.sent(ASKER) == []
    assert ratings == []


async def test_thumbs_down_hands_the_question_to_hr_who_answer_it_in_telegram(
    bot_config: Config, fake_api: FakeBotApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running_bot(bot_config) as app:
        answer = await reply_to(fake_api, ASKER, "kp reguler brp thn sekali sih?")
        invite = await press(fake_api, ASKER, answer, "kb:rate:kp-reguler-syarat:down")
        queued = await reply_to(fake_api, ASKER, "Masa kerja saya terpotong cuti besar, dihitung?")
        # The admin of the asker's queue (here the province's: the asker is not linked) hears.
        notice = (await fake_api.wait_for("sendMessage", ADMIN_ID, 1))[0]
        assert "Pertanyaan baru" in notice.params["text"]
        assert "belum tertaut" in notice.params["text"]
        listing = await reply_to(fake_api, ADMIN_ID, "/pertanyaan")
        (label, data) = fake_api.buttons(listing)[0]
        prompt = await press(fake_api, ADMIN_ID, listing, data)
        done = await reply_to(fake_api, ADMIN_ID, "Cuti besar tetap dihitung masa kerja.")
        delivered = (await fake_api.wait_for("sendMessage", ASKER, 4))[3]
        draft = await press(fake_api, ADMIN_ID, done, fake_api.buttons(done)[0][1])
        async with services(app).sessions() as session:
            question = (await session.scalars(select(HrQuestion))).one()
    assert "petugas" in invite.params["text"]
    assert f"nomor {question.id}" in queued.params["text"]
    assert "Masa kerja saya terpotong" in listing.params["text"]
    assert label == f"✍️ Jawab #{question.id}"
    assert "Tulis jawaban" in prompt.params["text"]
    assert "sudah dikirim" in done.params["text"]
    assert (
        "<blockquote>Masa kerja saya terpotong cuti besar, dihitung?</blockquote>"
        in (delivered.params["text"])
    )
    assert "Cuti besar tetap dihitung masa kerja." in delivered.params["text"]
    assert (question.status, question.answered_by) == ("answered", ADMIN_ID)
    assert question.delivered_at is not None
    drafts = list((tmp_path / "drafts").glob("*.toml"))
    assert len(drafts) == 1
    assert "Cuti besar tetap dihitung" in drafts[0].read_text()
    assert "pertanyaan-" in draft.params["text"]


async def test_an_answer_that_meets_an_outage_is_retried_by_the_sweep(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        number = await svc.hr_queue.add(ASKER, "Bagaimana cuti di luar tanggungan?", "id")
        fake_api.unreachable.add(ASKER)
        failed = await admin_answers(fake_api, ADMIN_ID, number, "Diatur PP 11/2017.")
        fake_api.unreachable.clear()
        context = type(
            "Ctx", (), {"services": svc, "bot": app.bot, "bot_data": {}, "application": app}
        )()
        await jobs.sweep_job(context)
        delivered = await fake_api.wait_for("sendMessage", ASKER)
    assert "belum terkirim" in failed.params["text"]
    assert "Diatur PP 11/2017." in delivered[0].params["text"]
    assert await svc.hr_queue.undelivered() == []


async def test_an_answer_to_a_blocked_asker_is_reported_and_not_retried(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(ASKER, "id")
        number = await svc.hr_queue.add(ASKER, "Bagaimana cuti di luar tanggungan?", "id")
        fake_api.blocked.add(ASKER)
        failed = await admin_answers(fake_api, ADMIN_ID, number, "Diatur PP 11/2017.")
        pending = await svc.hr_queue.undelivered()
    assert "tidak bisa dikirim" in failed.params["text"]
    assert "akan mencoba lagi" not in failed.params["text"]
    assert pending == []


async def test_only_admins_see_the_queue(bot_config: Config, fake_api: FakeBotApi) -> None:
    async with running_bot(bot_config):
        refused = await reply_to(fake_api, ASKER, "/pertanyaan")
    assert "tidak saya kenal" in refused.params["text"]
