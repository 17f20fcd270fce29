"""The same first-conversation scenarios through the console chat (real handlers, no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.accounts.dialogs import Dialog
from bot.accounts.linking import link_directly
from bot.config import Config
from bot.console import ConsoleChat, render
from bot.context import BotContext
from bot.knowledge.answering import AMBIGUOUS
from bot.knowledge.kb import rendered_text
from bot.maintenance import seed
from db.models import HrQuestion, User


@pytest.fixture
async def chat(config: Config) -> AsyncIterator[ConsoleChat]:
    async with ConsoleChat(config) as console:
        yield console


async def test_start_shows_greeting_privacy_and_numbered_buttons(chat: ConsoleChat) -> None:
    sent = await chat.say("/start")
    printed = render(sent)
    assert "Asisten Karier ASN" in printed
    assert "UU 27/2022" in printed
    assert "#1 [✅ Saya setuju]" in printed
    assert "<b>" not in printed


async def test_buttons_are_pressed_by_number_and_consent_is_stored(chat: ConsoleChat) -> None:
    await chat.say("/start")
    thanks = await chat.say("#1")
    async with chat.services.sessions() as session:
        user = await session.get(User, chat.config.console_user_id)
    assert user is not None
    assert user.consent_at is not None
    assert "Persetujuan Anda tercatat" in thanks[0].text


async def test_language_switch_changes_every_later_reply(chat: ConsoleChat) -> None:
    await chat.say("/bahasa")
    confirmed = await chat.say("#2")
    help_reply = await chat.say("/bantuan")
    assert confirmed[0].text == "✅ Language changed to English."
    assert "Commands:" in help_reply[0].text


async def test_unknown_text_is_offered_to_hr_and_queued_once(chat: ConsoleChat) -> None:
    offer = await chat.say("bagaimana prosedur izin perkawinan kedua bagi pns pria?")
    queued = await chat.say("#1")
    again = await chat.say("#1")
    async with chat.services.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(HrQuestion))
    assert offer[0].buttons[0][1] == "handoff:send"
    assert "diteruskan" in queued[0].text
    assert "Tidak ada pertanyaan" in again[0].text
    assert count == 1


async def test_a_did_you_mean_menu_has_a_way_out_to_a_person(chat: ConsoleChat) -> None:
    question = "lg tugas belajar S2, pangkat sy bs naik gk selama kuliah?"
    # The premise: close entries of two topics (rank promotion, study assignments).
    assert chat.services.knowledge.ask(question).status == AMBIGUOUS
    menu = await chat.say(question)
    labels = [label for label, _ in menu[0].buttons]
    queued = await chat.say(f"#{len(labels)}")  # the last button: ask an officer
    async with chat.services.sessions() as session:
        texts = list(await session.scalars(select(HrQuestion.text)))
    assert "Maksud Anda" in menu[0].text
    assert len(labels) >= 3  # at least two entries, never a menu of one
    assert labels[-1] == "📨 Bukan itu: tanya petugas"
    assert "diteruskan" in queued[0].text
    assert texts == [question]


async def test_a_hedged_answer_says_so_and_offers_a_person(chat: ConsoleChat) -> None:
    question = "cuti tahunan habis bisa cuti apa lagi"  # two leave entries close together
    result = chat.services.knowledge.ask(question)
    assert result.tentative  # the premise: the best of one topic's close entries
    sent = await chat.say(question)
    labels = [label for label, _ in sent[0].buttons]
    queued = await chat.say(f"#{len(labels)}")  # the last button: ask an officer
    async with chat.services.sessions() as session:
        texts = list(await session.scalars(select(HrQuestion.text)))
    assert sent[0].text.startswith("🤔 Ini jawaban yang paling dekat")
    assert result.entry is not None
    assert rendered_text(result.entry.answer_id)[:40] in rendered_text(sent[0].text)
    assert any(label.startswith("🔎") or label.startswith("📖") for label in labels[:-1])
    assert labels[-1] == "📨 Bukan itu: tanya petugas"
    assert "diteruskan" in queued[0].text
    assert texts == [question]


async def test_a_missing_button_number_says_so(chat: ConsoleChat) -> None:
    sent = await chat.say("#7")
    assert "#7" in sent[0].text


async def test_admin_overview_only_for_admins(make_config: Callable[..., Config]) -> None:
    plain = make_config()
    admin = plain.with_changes(superadmins=frozenset({plain.console_user_id}))
    async with ConsoleChat(plain) as chat:
        refused = await chat.say("/admin")
    async with ConsoleChat(admin) as chat:
        await seed(chat.services.sessions, 40)
        overview = await chat.say("/admin")
    assert "tidak saya kenal" in refused[0].text
    assert "Pegawai dalam basis data: 40" in overview[0].text


async def test_chatting_as_a_linked_employee_greets_by_name(chat: ConsoleChat) -> None:
    await seed(chat.services.sessions, 30)
    from bot.career import demo

    person = demo.generate(30)[5]
    name = await link_directly(chat.services.sessions, chat.config.console_user_id, person.nip)
    sent = await chat.say("/start")
    assert name == person.name
    assert f"Halo, {person.name.split()[0]}!" in sent[0].text


async def _send_chart(update: Update, context: BotContext, dialog: Dialog) -> None:
    assert update.effective_chat is not None
    await update.effective_chat.send_photo(PNG, caption="grafik")
    await update.effective_chat.send_document(b"a;b\n1;2\n", filename="laporan.csv")


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


async def test_photos_and_documents_are_saved_and_their_path_printed(config: Config) -> None:
    async with ConsoleChat(config, flows={"chart": _send_chart}) as chat:
        await chat.services.users.touch(config.console_user_id, "id")
        await chat.services.dialogs.save(config.console_user_id, Dialog("chart", "one"))
        sent = await chat.say("kirim")
    photo, document = sent
    assert photo.file is not None
    assert photo.file.read_bytes() == PNG
    assert document.file is not None
    assert document.file.name.endswith("laporan.csv")
    assert document.file.parent == config.console_files_dir
    assert f"[file: {photo.file}]" in render(sent)
    assert "grafik" in render(sent)


async def test_rule_questions_and_ratings_work_in_the_console(chat: ConsoleChat) -> None:
    answer = await chat.say("cakmano kalu sy nak naik pangkat reguler, brp taun?")
    thanks = await chat.say("#1")
    down = await chat.say("#2")
    queued = await chat.say("Apakah cuti besar mengurangi masa kerja untuk KP?")
    assert "4 tahun" in answer[0].text
    assert answer[0].buttons[0] == ("👍", "kb:rate:kp-reguler-syarat:up")
    assert thanks[0].text == "[Terima kasih atas penilaiannya!]"
    assert "petugas" in down[0].text
    assert "diteruskan" in queued[0].text


async def test_admin_overview_lists_the_worst_rated_answers(
    make_config: Callable[..., Config],
) -> None:
    plain = make_config()
    admin = plain.with_changes(superadmins=frozenset({plain.console_user_id}))
    async with ConsoleChat(admin) as chat:
        for user in (11, 12):
            await chat.services.ratings.rate(user, "kp-kgb", -1)
        await chat.services.ratings.rate(13, "kp-kgb", 1)
        await chat.services.ratings.rate(13, "kp-reguler-syarat", 1)
        overview = await chat.say("/admin")
    assert "kp-kgb: 👎 2 · 👍 1" in overview[0].text
    assert "kp-reguler-syarat" not in overview[0].text
