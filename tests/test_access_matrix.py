"""Every command and button, tried by everyone who must not reach the province's data.

Four actors: someone never linked, a linked employee of Kerinci, the OPD admin of a Kerinci unit
and the BKPSDM admin of Tebo. The data they aim at belongs to the province (PROV): an HR
question, the demo rotation cohort with its readiness answers, a broadcast. Each admin command is
sent with arguments naming that data, each button is pressed with its ids, through the real
Application and the fake Bot API. Nothing of it may be shown, nothing of it may change, and each
refusal of a role is logged. Registering a command or button without saying who may use it stops
the bot from being built.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import callbacks
from bot.access import LEVELS
from bot.app import build_application
from bot.broadcast.audience import Audience
from bot.broadcast.store import Draft
from bot.career import demo
from bot.commands import COMMANDS
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from bot.rotation import demo as rotation_demo
from bot.rotation.schedule import Planner
from db.base import utcnow
from db.models import (
    Broadcast,
    BroadcastAck,
    CheckinAnswer,
    Employee,
    HrQuestion,
    LinkCode,
    Mentorship,
    ReadinessAnswer,
    Rotation,
    TelegramLink,
    User,
)
from handlers.hr.admin import UndeclaredError, enforce_declarations
from tests.bot_harness import running_bot, services
from tests.fake_bot_api import FakeBotApi

STRANGER, EMPLOYEE, OPD_KERINCI, BKPSDM_TEBO = 9401, 9402, 9403, 9404
ACTORS = {STRANGER: "user", EMPLOYEE: "user", OPD_KERINCI: "unit", BKPSDM_TEBO: "gov"}
ASKER = 9301
QUESTION = "apakah seragam batik XQZ77 wajib tiap kamis"
ANNOUNCEMENT = "Pengumuman XQZ88 untuk pegawai provinsi"
KERINCI = [p for p in demo.generate(360) if p.unit_code.startswith("KERINCI-")]
PROVINCE = [p for p in demo.generate(360) if p.unit_code.startswith("PROV-")]


async def _link(svc: Services, user_id: int, nip: str) -> None:
    async with svc.sessions() as session, session.begin():
        employee = await session.scalar(select(Employee.id).where(Employee.nip == nip))
        session.add(User(id=user_id, language="id"))
        await session.flush()
        session.add(TelegramLink(user_id=user_id, employee_id=employee))


async def _world(svc: Services, config: Config) -> dict[str, Any]:
    """The province's data, and the four actors."""
    await seed(svc.sessions, 360)
    await rotation_demo.seed_cohort(svc.sessions, Planner.of(config), utcnow())
    await _link(svc, ASKER, PROVINCE[0].nip)
    await _link(svc, EMPLOYEE, KERINCI[0].nip)
    async with svc.sessions() as session, session.begin():
        session.add(User(id=STRANGER, language="id"))
    await svc.roles.grant(None, OPD_KERINCI, "opd", KERINCI[0].unit_code)
    await svc.roles.grant(None, BKPSDM_TEBO, "bkd", "TEBO")
    question = await svc.hr_queue.add(ASKER, QUESTION, "id")
    tomorrow = utcnow() + timedelta(days=1)  # stays scheduled: only an attack could change it
    made = await svc.broadcasts.create(None, Draft(ANNOUNCEMENT, Audience()), tomorrow)
    async with svc.sessions() as session:
        rotation = await session.scalar(select(Rotation).order_by(Rotation.id).limit(1))
        answer = await session.scalar(select(ReadinessAnswer).order_by(ReadinessAnswer.id))
        moved = (await session.execute(
            select(Employee.name, Employee.nip).join(Rotation, Rotation.employee_id == Employee.id)
        )).all()  # fmt: skip
    assert rotation is not None
    assert answer is not None
    return {
        "question": question, "broadcast": made.id, "rotation": rotation.id,
        "cohort": rotation.cohort, "answer": answer.id, "target_nip": moved[0].nip,
        "target_name": moved[0].name,
        "markers": [QUESTION, "XQZ77", "XQZ88", *(n for n, _ in moved),
                    *(nip for _, nip in moved)],
    }  # fmt: skip


async def _state(svc: Services) -> dict[str, Any]:
    """Everything the attempts could change."""
    async with svc.sessions() as session:

        async def rows(query: Any) -> list[tuple[Any, ...]]:
            return [tuple(r) for r in (await session.execute(query)).all()]

        return {
            "questions": await rows(select(HrQuestion.id, HrQuestion.status, HrQuestion.answer,
                                           HrQuestion.region_code).order_by(HrQuestion.id)),
            "rotations": await rows(select(Rotation.id, Rotation.status, Rotation.tmt)),
            "answers": await rows(select(ReadinessAnswer.id, ReadinessAnswer.status,
                                         ReadinessAnswer.barrier, ReadinessAnswer.reason,
                                         ReadinessAnswer.note, ReadinessAnswer.mentor_requested)),
            "checkins": await rows(select(func.count()).select_from(CheckinAnswer)),
            "mentors": await rows(select(Mentorship.id, Mentorship.status)),
            "broadcasts": await rows(select(Broadcast.id, Broadcast.status, Broadcast.recipients)),
            "acks": await rows(select(func.count()).select_from(BroadcastAck)),
            "codes": await rows(select(func.count()).select_from(LinkCode)),
        }  # fmt: skip


def _commands(world: dict[str, Any]) -> list[tuple[str, str]]:
    """Each admin command with arguments aimed at the province's data, and its level."""
    rotation, cohort = world["rotation"], world["cohort"]
    aimed = {
        "profil_pegawai": world["target_name"],
        "kode_tautan": world["target_nip"],
        "rotasi": cohort,
        "rotasi_tmt": f"{rotation} 2027-03-01",
        "rotasi_batal": str(rotation),
        "kesiapan": cohort,
        "mentor": f"{rotation} {KERINCI[1].nip}",
        "peran": f"beri {BKPSDM_TEBO} bkd PROV",
    }
    return [(f"/{c.name} {aimed.get(c.name, '')}".strip(), c.level) for c in COMMANDS
            if c.level != "user" or c.name in aimed]  # fmt: skip


def _buttons(world: dict[str, Any]) -> list[str]:
    """Every button pattern filled with the province's ids."""
    q, b, r, a = world["question"], world["broadcast"], world["rotation"], world["answer"]
    admin = [f"hr:answer:{q}", f"hr:move:{q}", f"hr:to:{q}:TEBO", f"hr:close:{q}",
             f"hr:why:{q}:spam", f"hr:draft:{q}", f"bcd:{b}", f"bcr:{b}", f"bcx:{b}",
             "bcw:aud:all", "bcw:go:yes", f"rotx:{r}", "admin:profile:1",
             *(f"adm:{c.name}" for c in COMMANDS if c.level != "user")]  # fmt: skip
    someone_elses = [
        f"rdy:{r}:not_ready",
        f"adk:{a}:0:no",
        f"rsn:{a}:health",
        f"rnote:{a}",
        f"mtr:{a}",
        f"hrtalk:{a}",
        f"chk:{r}:30:help",
        "mnt:1:yes",
        f"bca:{b}",
    ]
    return admin + someone_elses


async def _say(api: FakeBotApi, user: int, text: str) -> None:
    """Send and wait for the reply (or a moment, for what gets none)."""
    before = len(api.sent(user)) + len(api.sent(user, "sendDocument"))
    await api.send_text(user, text)
    for _ in range(100):
        if len(api.sent(user)) + len(api.sent(user, "sendDocument")) > before:
            return
        await asyncio.sleep(0.02)


def _shown(api: FakeBotApi, user: int) -> str:
    calls = [*api.sent(user), *api.sent(user, "sendDocument"), *api.sent(user, "sendPhoto")]
    texts = [str(c.params.get("text") or c.params.get("caption") or "") for c in calls]
    texts += [b.decode("utf-8", "replace") for c in calls for b in c.files.values()]
    return "\n".join(texts)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_no_command_or_button_shows_or_changes_another_governments_data(
    bot_config: Config, fake_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running_bot(bot_config) as app:
        svc = services(app)
        world = await _world(svc, bot_config)
        before = await _state(svc)
        commands = _commands(world)
        for actor, role in ACTORS.items():
            for text, level in commands:
                before_count = len(fake_api.sent(actor))
                await _say(fake_api, actor, text)
                if LEVELS.index(role) < LEVELS.index(level):
                    reply = fake_api.sent(actor)[before_count]
                    assert "tidak saya kenal" in reply.params["text"], (actor, text)
            await _say(fake_api, actor, "/batal")  # leave any wizard a command opened
            for data in _buttons(world):
                message = {"message_id": 1, "date": 0, "chat": {"id": actor, "type": "private"}}
                await fake_api.press(actor, message, data)
            await asyncio.sleep(0.5)
        after = await _state(svc)
    assert after == before
    for actor in ACTORS:
        shown = _shown(fake_api, actor)
        leaked = [m for m in world["markers"] if m in shown]
        assert leaked == [], (actor, leaked[:3])
    refusals = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]
    assert any("/peran" in m for m in refusals)
    assert not any(m.startswith("refused /rotasi:") for m in refusals)  # own moves: no refusal
    assert any("rotx button" in m for m in refusals)
    assert any("hr button" in m for m in refusals)


def test_every_registered_command_and_button_is_declared(bot_config: Config) -> None:
    app = build_application(bot_config)  # builds only when everything is declared
    patterns = {h.pattern.pattern for g in app.handlers.values() for h in g  # type: ignore[union-attr]
                if isinstance(h, CallbackQueryHandler) and h.pattern is not None}  # fmt: skip
    assert patterns == set(callbacks.WHO)  # and nothing declared that no handler serves


async def _noop(*_: Any) -> None:
    """A handler body."""


@pytest.mark.parametrize(
    "handler",
    [
        CommandHandler("rahasia", _noop),
        CommandHandler("peran", _noop),  # an admin command without its role check
        CallbackQueryHandler(_noop, pattern=r"\Anew:([0-9]{1,9})\Z"),
    ],
)
def test_an_undeclared_command_or_button_stops_the_bot_from_starting(
    bot_config: Config, handler: Any
) -> None:
    app: Application = build_application(bot_config)  # type: ignore[type-arg]
    app.add_handler(handler)
    with pytest.raises(UndeclaredError):
        enforce_declarations(app)
