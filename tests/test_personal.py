"""Linking an account to an NIP and the personal commands, on a real database and over Telegram."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.accounts.linking import MAX_FAILURES, LinkResult
from bot.career import demo
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.base import utcnow
from db.models import AuditEntry, Employee, LinkCode, TelegramLink, User
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

PEOPLE = demo.generate(40)
ASN = 5001


async def test_a_code_links_once_and_is_stored_only_as_a_hash(services: Services) -> None:
    await seed(services.sessions, 40)
    person = PEOPLE[2]
    issued = await services.links.issue_code(person.nip, ADMIN_ID)
    assert issued is not None
    first = await services.links.link(ASN, person.nip, issued.code.lower())
    again = await services.links.link(ASN + 1, person.nip, issued.code)
    async with services.sessions() as session:
        stored = (await session.scalars(select(LinkCode))).one()
    assert first == (LinkResult.LINKED, person.name)
    assert again == (LinkResult.INVALID, None)
    assert issued.code.replace("-", "") not in stored.code_hash
    assert await services.links.issue_code("199001012020011999", ADMIN_ID) is None


async def test_expired_codes_and_codes_of_another_nip_fail(services: Services) -> None:
    await seed(services.sessions, 40)
    issued = await services.links.issue_code(PEOPLE[3].nip, ADMIN_ID)
    assert issued is not None
    assert (await services.links.link(ASN, PEOPLE[4].nip, issued.code))[0] is LinkResult.INVALID
    async with services.sessions() as session, session.begin():
        row = (await session.scalars(select(LinkCode))).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    assert (await services.links.link(ASN, PEOPLE[3].nip, issued.code))[0] is LinkResult.INVALID


async def test_failures_are_limited_per_account_and_per_nip(services: Services) -> None:
    await seed(services.sessions, 40)
    target = PEOPLE[5].nip
    issued = await services.links.issue_code(target, ADMIN_ID)
    assert issued is not None
    for attempt in range(MAX_FAILURES):
        assert (await services.links.link(ASN + attempt, target, "WRONG-CODE"))[0] is (
            LinkResult.INVALID
        )
    # The NIP now takes no more wrong codes, but the owner's valid code still links; an
    # unknown NIP answers exactly like a known one.
    wrong = await services.links.link(ASN + 97, target, "WRONG-CODE")
    owner = await services.links.link(ASN + 99, target, issued.code)
    unknown = await services.links.link(ASN + 98, "199001012020011999", "WRONG-CODE")
    for _ in range(MAX_FAILURES):
        await services.links.link(ASN + 96, target, "WRONG-CODE")
    own_limit = await services.links.link(ASN + 96, "199001012020011999", "WRONG-CODE")
    assert wrong == (LinkResult.RATE_LIMITED, None)
    assert owner == (LinkResult.LINKED, PEOPLE[5].name)
    assert unknown == (LinkResult.INVALID, None)
    assert own_limit == (LinkResult.RATE_LIMITED, None)


async def test_a_new_link_ends_the_old_one(services: Services) -> None:
    await seed(services.sessions, 40)
    target = PEOPLE[6].nip
    for user in (ASN, ASN + 1):
        issued = await services.links.issue_code(target, ADMIN_ID)
        assert issued is not None
        await services.links.link(user, target, issued.code)
    async with services.sessions() as session:
        links = (await session.scalars(select(TelegramLink))).all()
    assert [link.user_id for link in links] == [ASN + 1]


async def test_linking_in_telegram_then_personal_commands(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[7]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await reply_to(fake_api, ADMIN_ID, f"/kode_tautan {person.nip}")
        code = issued.params["text"].split("<code>")[1].split("</code>")[0]
        greeting = await reply_to(fake_api, ASN, "/start")
        await press(fake_api, ASN, greeting, "menu:consent")
        await reply_to(fake_api, ASN, "/daftar")
        await reply_to(fake_api, ASN, person.nip[:8] + " " + person.nip[8:])
        linked = await reply_to(fake_api, ASN, code)
        profile = await reply_to(fake_api, ASN, "/profil")
        competency = await reply_to(fake_api, ASN, "/kompetensi")
        career = await reply_to(fake_api, ASN, "/karier")
        training = await reply_to(fake_api, ASN, "/pelatihan")
    assert (
        "198" not in issued.params["text"].split("<code>")[0][-30:] or "*" in issued.params["text"]
    )
    assert person.name in linked.params["text"]
    assert person.nip in profile.params["text"]
    assert person.grade in profile.params["text"]
    assert (
        "Job Person Match" in competency.params["text"]
        or "belum memiliki" in (competency.params["text"])
    )
    assert "Pensiun" in career.params["text"]
    assert "JP" in training.params["text"]


async def test_personal_commands_need_a_link(bot_config: Config, fake_api: FakeBotApi) -> None:
    async with running_bot(bot_config):
        reply = await reply_to(fake_api, ASN, "/karier")
    assert "/daftar" in reply.params["text"]


async def test_linking_needs_consent_and_survives_a_restart(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[8]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await svc.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        refused = await reply_to(fake_api, ASN, "/daftar")
        await svc.users.give_consent(ASN)
        await reply_to(fake_api, ASN, "/daftar")
        await reply_to(fake_api, ASN, person.nip)
    async with running_bot(bot_config):
        linked = await reply_to(fake_api, ASN, issued.code)
    assert "Pemberitahuan privasi" in refused.params["text"]
    assert person.name in linked.params["text"]


async def test_unlink_and_delete_chat_data_keep_the_employee_record(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[9]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        from bot.accounts.linking import link_directly

        await svc.users.touch(ASN, "id")
        await link_directly(svc.sessions, ASN, person.nip)
        ask_unlink = await reply_to(fake_api, ASN, "/keluar")
        unlinked = await press(fake_api, ASN, ask_unlink, fake_api.buttons(ask_unlink)[0][1])
        await link_directly(svc.sessions, ASN, person.nip)
        await svc.ratings.rate(ASN, "kp-kgb", -1)
        ask = await reply_to(fake_api, ASN, "/hapus_data")
        done = await press(fake_api, ASN, ask, fake_api.buttons(ask)[0][1])
        async with svc.sessions() as session:
            user = await session.get(User, ASN)
            links = await session.scalar(select(func.count()).select_from(TelegramLink))
            employee = await session.scalar(select(Employee).where(Employee.nip == person.nip))
    assert "dilepas" in unlinked.params["text"]
    assert "UU 20/2023" in ask.params["text"]
    assert "dihapus" in done.params["text"]
    assert (user, links) == (None, 0)
    assert employee is not None


async def test_an_admin_view_is_masked_and_audited(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[10]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        view = await reply_to(fake_api, ADMIN_ID, f"/profil_pegawai {person.nip}")
        async with svc.sessions() as session:
            audit = (await session.scalars(select(AuditEntry))).all()
    assert person.nip not in view.params["text"]
    assert person.nip[-3:] in view.params["text"]
    # The command is audited without its argument, the view with the person's id.
    assert [(a.actor_id, a.action, a.detail) for a in audit] == [
        (ADMIN_ID, "/profil_pegawai", ""),
        (ADMIN_ID, "admin_view_profile", ""),
    ]
    assert audit[1].employee_id is not None


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("kapan sy naik pangkat?", "karier"),
        ("JPM sy brp?", "kompetensi"),
        ("kapan saya pensiun ya", "karier"),
        ("pelatihan apa yang cocok buat saya?", "pelatihan"),
        ("when will I be promoted?", "karier"),
        ("lihat profil saya", "profil"),
        ("berapa angka kredit sy sekarang", "karier"),
        ("brp lama lg sy pensiun", "karier"),
        ("sy bs jd kepala seksi ga?", "karier"),
        ("sy bisa mutasi ke provinsi ga?", "karier"),
        ("can I transfer to another regency?", "karier"),
        ("syarat mutasi antar kabupaten", None),
        ("apakah pns bisa jadi kepala seksi", None),
        ("syarat kp reguler apa saja?", None),
        ("berapa batas usia pensiun pns", None),
    ],
)
def test_questions_about_oneself_go_to_the_personal_answers(
    question: str, command: str | None
) -> None:
    from bot.career.self_questions import personal_command
    from bot.knowledge.normalize import Lexicon
    from bot.knowledge.query import understand

    assert personal_command(understand(question, Lexicon.load())) == command


async def test_a_linked_user_asking_about_themselves_gets_their_own_answer(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[11]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        general = await reply_to(fake_api, ASN, "kapan sy naik pangkat?")
        from bot.accounts.linking import link_directly

        await link_directly(svc.sessions, ASN, person.nip)
        own = await reply_to(fake_api, ASN, "kapan sy naik pangkat?")
    assert "Karier Anda" not in general.params["text"]
    assert "Karier Anda" in own.params["text"]


async def test_the_competency_chart_arrives_as_a_picture_in_the_console(config: Config) -> None:
    from bot.accounts.linking import link_directly
    from bot.console import ConsoleChat

    person = next(p for p in PEOPLE if p.competencies)
    async with ConsoleChat(config) as chat:
        await seed(chat.services.sessions, 40)
        await link_directly(chat.services.sessions, config.console_user_id, person.nip)
        sent = await chat.say("/kompetensi")
    text, photo = sent
    assert "Job Person Match" in text.text
    assert photo.file is not None
    assert photo.file.read_bytes().startswith(b"\x89PNG")
    assert photo.file.suffix == ".png"
    assert "biru" in photo.text


SHOWCASE_ANSWERS = [
    # (demo index, command, what the answer must say, what it must never say)
    (300, "/karier", "sejak 1 Agustus 2024", "PAK integrasi"),
    (301, "/karier", "sudah terpenuhi", "4 tahun sejak TMT"),
    (302, "/karier", "berakhir 28 Februari 2027", "AK"),
    (303, "/karier", "belum ada di data", "Kenaikan pangkat butuh"),
    (304, "/kompetensi", "standar level", "⚠️"),
    (304, "/pelatihan", "Belum ada hasil asesmen", "PKP"),
    (305, "/karier", "2024, 2025", "TMT paling cepat"),
    (306, "/karier", "memenuhi syarat dasar seleksi JPT pratama", "Belum memenuhi syarat JPT"),
    (302, "/pelatihan", "PPPK", "Kepemimpinan"),
]


async def test_the_demo_cases_get_right_answers_in_the_console(config: Config) -> None:
    from bot.accounts.linking import link_directly
    from bot.console import ConsoleChat

    people = demo.generate(307)
    async with ConsoleChat(config) as chat:
        await seed(chat.services.sessions, 307)
        for index, command, present, absent in SHOWCASE_ANSWERS:
            await link_directly(chat.services.sessions, config.console_user_id, people[index].nip)
            sent = await chat.say(command)
            raw = "\n".join(s.text for s in sent)
            assert present in raw, (index, command, raw)
            assert absent not in raw, (index, command, raw)


async def test_confirmations_can_be_cancelled_and_an_nip_after_consent_continues_linking(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    from bot.accounts.linking import link_directly

    person, other = PEOPLE[12], PEOPLE[13]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        await svc.users.touch(ASN, "id")
        await link_directly(svc.sessions, ASN, person.nip)
        ask = await reply_to(fake_api, ASN, "/keluar")
        kept = await press(fake_api, ASN, ask, fake_api.buttons(ask)[1][1])
        ask_delete = await reply_to(fake_api, ASN, "/hapus_data")
        kept_too = await press(fake_api, ASN, ask_delete, fake_api.buttons(ask_delete)[1][1])
        still = await svc.links.linked_nip(ASN)
        # Another account agrees to the notice and types its NIP without /daftar.
        await svc.users.touch(ASN + 1, "id")
        await svc.users.give_consent(ASN + 1)
        asked = await reply_to(fake_api, ASN + 1, other.nip)
        issued = await svc.links.issue_code(other.nip, ADMIN_ID)
        assert issued is not None
        linked = await reply_to(fake_api, ASN + 1, issued.code)
        usage = await reply_to(fake_api, ADMIN_ID, "/kode_tautan")
        malformed = await reply_to(fake_api, ADMIN_ID, "/kode_tautan 12345")
    assert "kode baru dari BKD/BKPSDM" in ask.params["text"]
    assert [label for label, _ in fake_api.buttons(ask)] == ["🔓 Ya, lepaskan tautan", "✖️ Batal"]
    assert "Dibatalkan" in kept.params["text"]
    assert "Dibatalkan" in kept_too.params["text"]
    assert still is not None
    assert "kode tautan" in asked.params["text"]
    assert other.name in linked.params["text"]
    assert "Cara pakai" in usage.params["text"]
    assert "Cara pakai" in malformed.params["text"]


async def test_an_admin_finds_an_employee_by_name_masked_and_audited(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[14]
    family = person.name.split()[-1]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        listing = await reply_to(fake_api, ADMIN_ID, f"/profil_pegawai {family}")
        data = next(d for label, d in fake_api.buttons(listing) if person.name[:40] in label)
        view = await press(fake_api, ADMIN_ID, listing, data)
        forged = len(fake_api.sent(ASN))
        await fake_api.press(ASN, {"message_id": 1, "date": 0,
                                   "chat": {"id": ASN, "type": "private"}}, data)  # fmt: skip
        await fake_api.wait_for("answerCallbackQuery", count=2)
        usage = await reply_to(fake_api, ADMIN_ID, "/profil_pegawai ab")
        async with svc.sessions() as session:
            entries = (await session.scalars(select(AuditEntry))).all()
            actions = [a.action for a in entries]
    same_family = [p for p in PEOPLE if p.name.split()[-1] == family]
    assert len(fake_api.buttons(listing)) == min(len(same_family), 10)
    assert person.nip not in listing.params["text"]
    assert person.nip[-3:] in listing.params["text"]
    assert person.name in view.params["text"]
    assert person.nip not in view.params["text"]
    assert len(fake_api.sent(ASN)) == forged
    assert "Cara pakai" in usage.params["text"]
    # The search text (a name) is never stored; the forged presses by ASN are not audited.
    assert actions == ["/profil_pegawai", "admin_search_employee", "button",
                       "admin_view_profile", "/profil_pegawai"]  # fmt: skip
    assert not any(family.lower() in a.detail.lower() for a in entries)
