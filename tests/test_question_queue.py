"""The question queue, routed: each question waits in the queue of the asker's government and
unit, can be passed on or closed with a reason, and a secret typed by mistake is never kept."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.access import SUPER, Access
from bot.career import demo
from bot.config import Config
from bot.context import Services
from bot.hr.questions import CLOSED, MOVED, NEW_QUESTION
from bot.maintenance import seed
from db.models import (
    AuditEntry,
    DialogState,
    Employee,
    HrQuestion,
    OutboxMessage,
    TelegramLink,
    Unit,
    User,
)
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

PEOPLE = demo.generate(360)
KERINCI_PERSON = next(p for p in PEOPLE if p.unit_code.startswith("KERINCI-"))
KERINCI_ADMIN, TEBO_ADMIN, UNIT_ADMIN = 9101, 9102, 9103
LINKED, STRANGER = 9201, 9202


async def _link(svc: Services, user_id: int, nip: str) -> None:
    async with svc.sessions() as session, session.begin():
        employee = await session.scalar(select(Employee.id).where(Employee.nip == nip))
        session.add(User(id=user_id, language="id"))
        await session.flush()
        session.add(TelegramLink(user_id=user_id, employee_id=employee))


async def _outbox(svc: Services, kind: str) -> list[tuple[int, int]]:
    async with svc.sessions() as session:
        rows = await session.execute(
            select(OutboxMessage.chat_id, OutboxMessage.ref_id)
            .where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def _setup(svc: Services) -> tuple[Access, Access, Access]:
    await seed(svc.sessions, 360)
    await _link(svc, LINKED, KERINCI_PERSON.nip)
    async with svc.sessions() as session, session.begin():
        session.add(User(id=STRANGER, language="id"))
    kerinci = await svc.roles.grant(ADMIN_ID, KERINCI_ADMIN, "bkd", "KERINCI")
    tebo = await svc.roles.grant(ADMIN_ID, TEBO_ADMIN, "bkd", "TEBO")
    unit = await svc.roles.grant(ADMIN_ID, UNIT_ADMIN, "opd", KERINCI_PERSON.unit_code)
    return kerinci, tebo, unit


async def test_a_question_waits_in_the_asker_s_queue_and_its_admins_hear(
    services: Services,
) -> None:
    kerinci, tebo, unit = await _setup(services)
    queue = services.hr_queue
    theirs = await queue.add(LINKED, "Bisa pindah ke provinsi?", "id")
    strangers = await queue.add(STRANGER, "Cara daftar CPNS?", "id")
    question = await queue.get(theirs)
    assert question is not None
    assert (question.region_code, question.linked, question.region) == (
        "KERINCI",
        True,
        "Kabupaten Kerinci",
    )
    unplaced = await queue.get(strangers)
    assert unplaced is not None
    assert (unplaced.region_code, unplaced.unit_id, unplaced.linked) == ("PROV", None, False)
    # The Kerinci government's admin and the unit's admin hear; the province has no admin of
    # its own here, so the superadmins hear of the stranger's question.
    notices = await _outbox(services, NEW_QUESTION)
    assert sorted(notices) == sorted([(KERINCI_ADMIN, theirs), (UNIT_ADMIN, theirs),
                                      (ADMIN_ID, strangers)])  # fmt: skip
    assert [q.id for q in (await queue.open_questions(kerinci))[0]] == [theirs]
    assert [q.id for q in (await queue.open_questions(unit))[0]] == [theirs]
    assert (await queue.open_questions(tebo))[1] == 0
    assert (await queue.open_questions(SUPER))[1] == 2
    assert await queue.get(theirs, tebo) is None
    assert await queue.answer(theirs, TEBO_ADMIN, "Bisa.", tebo) is None
    answered = await queue.answer(theirs, KERINCI_ADMIN, "Bisa, lewat BKPSDM.", kerinci)
    assert answered is not None
    assert answered.status == "answered"


async def test_a_question_is_passed_to_another_government_or_closed_with_a_reason(
    services: Services,
) -> None:
    kerinci, tebo, unit = await _setup(services)
    queue = services.hr_queue
    number = await queue.add(LINKED, "Saya mau pindah ke Tebo, gimana?", "id")
    assert await queue.reassign(number, "TEBO", TEBO_ADMIN, tebo) is None  # not theirs yet
    assert await queue.reassign(number, "ATLANTIS", KERINCI_ADMIN, kerinci) is None
    moved = await queue.reassign(number, "TEBO", KERINCI_ADMIN, kerinci)
    assert moved is not None
    assert (moved.region_code, moved.unit_id) == ("TEBO", None)
    assert await queue.get(number, kerinci) is None
    assert await queue.get(number, unit) is None
    assert await queue.get(number, tebo) is not None
    assert (TEBO_ADMIN, number) in await _outbox(services, NEW_QUESTION)
    assert await _outbox(services, MOVED) == [(LINKED, number)]

    assert await queue.close(number, "spam", KERINCI_ADMIN, kerinci) is None
    closed = await queue.close(number, "duplicate", TEBO_ADMIN, tebo)
    assert closed is not None
    assert (closed.status, closed.close_reason) == ("closed", "duplicate")
    assert await queue.close(number, "duplicate", TEBO_ADMIN, tebo) is None  # once
    assert await _outbox(services, CLOSED) == [(LINKED, number)]
    assert (await queue.open_questions(SUPER))[1] == 0
    async with services.sessions() as session:
        actions = list(await session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("question_%"))
            .order_by(AuditEntry.id)
        ))  # fmt: skip
    assert actions == ["question_reassign", "question_close"]


async def test_hr_closes_a_question_in_telegram_and_the_asker_is_told_politely(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await _setup(svc)
        answer = await reply_to(fake_api, LINKED, "kp reguler brp thn sekali sih?")
        await press(fake_api, LINKED, answer, "kb:rate:kp-reguler-syarat:down")
        await reply_to(fake_api, LINKED, "Kalau cuti besar, masa kerja dihitung?")
        notice = (await fake_api.wait_for("sendMessage", KERINCI_ADMIN, 1))[0]
        async with svc.sessions() as session:
            number = await session.scalar(select(func.max(HrQuestion.id)))
            unit_name = await session.scalar(
                select(Unit.name).where(Unit.code == KERINCI_PERSON.unit_code)
            )
        assert "Kalau cuti besar" in notice.params["text"]
        assert f"tertaut · {unit_name}, Kabupaten Kerinci" in notice.params["text"]
        # A plain user's forged press changes nothing.
        await fake_api.press(STRANGER, {"message_id": 1, "date": 0,
                                        "chat": {"id": STRANGER, "type": "private"}},
                             f"hr:why:{number}:spam")  # fmt: skip
        await fake_api.wait_for("answerCallbackQuery", count=2)  # the 👎, then the forged one
        assert number is not None
        still = await svc.hr_queue.get(number)
        assert still is not None
        assert still.status == "open"
        why = await press(fake_api, KERINCI_ADMIN, notice, f"hr:close:{number}")
        assert [d for _, d in fake_api.buttons(why)] == [
            f"hr:why:{number}:spam",
            f"hr:why:{number}:duplicate",
            f"hr:why:{number}:entry",
        ]
        before = len(fake_api.sent(LINKED))
        done = await press(fake_api, KERINCI_ADMIN, why, f"hr:why:{number}:entry")
        told = (await fake_api.wait_for("sendMessage", LINKED, before + 1))[before]
    assert f"#{number}" in done.params["text"]
    assert "sudah tersedia di bot" in told.params["text"]
    assert fake_api.sent(STRANGER) == []


async def test_a_password_or_code_is_never_kept_or_forwarded(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        warned = await reply_to(fake_api, STRANGER, "PIN saya 482913, tolong cek SIASN saya")
        answer = await reply_to(fake_api, STRANGER, "kp reguler brp thn sekali sih?")
        await press(fake_api, STRANGER, answer, "kb:rate:kp-reguler-syarat:down")
        again = await reply_to(fake_api, STRANGER, "password saya Jambi2024! kok gak bisa login")
        # The conversation stays open: the next message, a real question, goes to HR.
        plain = await reply_to(fake_api, STRANGER, "berapa digit PIN SIASN?")
        async with svc.sessions() as session:
            questions = list(await session.scalars(select(HrQuestion.text)))
            states = list(await session.scalars(select(DialogState.data)))
    for reply in (warned, again):
        assert "tidak saya simpan dan tidak saya teruskan" in reply.params["text"]
        assert "ganti" in reply.params["text"]
    assert "tidak saya simpan" not in plain.params["text"]
    assert questions == ["berapa digit PIN SIASN?"]
    assert not any("482913" in str(s) or "Jambi2024" in str(s) for s in states)


def test_what_looks_like_a_secret_and_what_is_only_a_question_about_one() -> None:
    from bot.sensitive import looks_secret

    secrets = [
        "PIN saya 123456",
        "password: Jambi2024!",
        "kode OTP 482913",
        "pw sy abc123",
        "Password saya adalah Rahasia99",
        "my password is hunter22",
        "sandi: 12ab34",
    ]
    questions = ["berapa digit PIN SIASN?", "lupa password MySAPK gimana",
                 "kode otp tidak masuk", "bagaimana reset kata sandi siasn", "token expired terus",
                 "golongan III/a ke III/b berapa tahun"]  # fmt: skip
    assert [s for s in secrets if not looks_secret(s)] == []
    assert [q for q in questions if looks_secret(q)] == []
