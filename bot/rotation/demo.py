"""A fictional rotation cohort for the demo: TMTs spread over the next 45 days, some answers
already given, so the console shows due reminders and /kesiapan has figures."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from bot.career import catalog, demo
from bot.rotation import plans
from bot.rotation.guide import BLOCKS
from bot.rotation.readiness import REASONS, barrier_of
from bot.rotation.schedule import Planner
from db.models import ReadinessAnswer, Rotation
from db.session import SessionFactory

COHORT = "Rotasi Contoh (demo)"
SIZE = 40  # provincial demo employees from index 200 on (the showcase people are 300-306)
FIRST = 200
CROWDED_UNIT = "PROV-BPSDM"  # half the cohort moves here, so its breakdown passes k = 5
SEED = 2027
REASON_TEXTS = (
    "Penguatan layanan di unit tujuan sesuai analisis jabatan dan beban kerja.",
    "Pemerataan pegawai antar-OPD berdasarkan hasil pemetaan talenta.",
    "",
)


def members(count: int = 360) -> list[demo.DemoEmployee]:
    """The cohort: provincial demo employees, so every move stays within one government."""
    province = {u.code for u in catalog.units() if u.code.startswith("PROV-")}
    people = demo.generate(count)[FIRST:]
    return [p for p in people if p.unit_code in province and p.unit_code != CROWDED_UNIT][:SIZE]


def _weekday(day: date) -> date:
    """A Saturday or Sunday TMT moves to the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def rows(today: date, count: int = 360) -> list[dict[str, Any]]:
    """The cohort's plan rows (as a checked import gives them) for the demo employees."""
    province = sorted(u.code for u in catalog.units() if u.code.startswith("PROV-"))
    rng = random.Random(SEED)
    found = []
    for offset, person in enumerate(members(count)):
        others = [u for u in province if u != person.unit_code]
        target = CROWDED_UNIT if offset % 2 == 0 else rng.choice(others)
        found.append({
            "nip": person.nip, "unit_code": target, "position_name": person.position_name,
            "position_type": person.position_type, "functional_level": person.functional_level,
            "tmt": _weekday(today + timedelta(days=3 + offset * 42 // SIZE)),
            "sk_number": f"800/{100 + offset}/BKD/2026" if offset % 3 else "",
            "cohort": COHORT, "reason": REASON_TEXTS[offset % len(REASON_TEXTS)],
        })  # fmt: skip
    return found


def first_nip() -> str:
    """An NIP in the cohort, for ``asnbot chat --as``."""
    return members()[0].nip


async def seed_cohort(sessions: SessionFactory, planner: Planner, now: datetime) -> int:
    """Write the demo cohort once (when no rotation exists) with some answers; how many people."""
    async with sessions() as session, session.begin():
        if await session.scalar(select(func.count()).select_from(Rotation)):
            return 0
        written = await plans.write_rows(session, rows(planner.today(now)), planner, now)
        if written.unknown:
            return 0
        ids = list(await session.scalars(
            select(Rotation.id).where(Rotation.cohort == COHORT).order_by(Rotation.id)
        ))  # fmt: skip
        rng = random.Random(SEED)
        for rotation_id in ids[1::2] + ids[2:12:2]:  # the first person has not answered yet
            session.add(_answer(rng, rotation_id, now))
        return written.inserted


def _answer(rng: random.Random, rotation_id: int, now: datetime) -> ReadinessAnswer:
    status = rng.choice(("ready", "ready", "support", "not_ready"))
    blocks: dict[str, str] = {}
    if status != "ready":
        stop = rng.randrange(len(BLOCKS))
        blocks = {b: "yes" for b in BLOCKS[:stop]} | {BLOCKS[stop]: rng.choice(("unsure", "no"))}
        blocks |= {b: "skipped" for b in BLOCKS[stop + 1 :]}
    return ReadinessAnswer(
        rotation_id=rotation_id, status=status, blocks=blocks, barrier=barrier_of(blocks),
        reason=rng.choice(REASONS) if status != "ready" else None,
        mentor_requested=status == "support" and rng.random() < 0.5,
        answered_at=now - timedelta(hours=rng.randrange(1, 72)),
    )  # fmt: skip
