"""The help fits the barrier, and /kesiapan counts the check-ins after the move."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.context import Services
from bot.i18n import Translator
from bot.maintenance import seed
from bot.rotation import demo, guide, hr_views
from bot.rotation import views as rotation_views
from bot.rotation.fit import Fit
from bot.rotation.guide import BLOCKS
from bot.rotation.moves import Move
from bot.rotation.readiness import Answer
from db.models import CheckinAnswer, Rotation

T = Translator(ZoneInfo("Asia/Jakarta"))
MOVE = Move(1, "Uji", 1, "Nama", "198805142012031002", "PNS", 5, "id", "Unit Lama", "Staf",
            "Unit Baru", "Provinsi Jambi", "Analis", "pelaksana", None, date(2027, 2, 1), None,
            "Alasan dari HR", "planned")  # fmt: skip
FIT = Fit(True, (), (), True, False)


@pytest.mark.parametrize("barrier", BLOCKS)
def test_the_help_fits_the_barrier(barrier: str) -> None:
    answer = Answer(7, "not_ready", {barrier: "no"}, barrier, "other", False, MOVE)
    reply = rotation_views.help_for(T, "id", answer, guide.guide(), FIT, {})
    text = reply.text
    assert guide.guide().help[barrier].text("id") in text
    steps_shown = guide.guide().steps[0]("id") in text
    assert steps_shown == (barrier == "knowledge")
    assert ("Alasan dari HR" in text) == (barrier == "awareness")
    assert ("Level kompetensi Anda sudah memenuhi" in text) == (barrier == "ability")
    data = [b.data for row in reply.buttons for b in row]
    assert "mtr:7" in data
    assert "hrtalk:7" in data


async def test_kesiapan_counts_the_check_ins(services: Services) -> None:
    await seed(services.sessions, 360)
    services.clock.set(datetime(2027, 1, 4, 2, tzinfo=UTC))
    await demo.seed_cohort(services.sessions, services.planner, services.clock())
    async with services.sessions() as session, session.begin():
        ids = list(await session.scalars(select(Rotation.id).order_by(Rotation.id).limit(3)))
        for rotation_id, answer in zip(ids, ("smooth", "help", "help"), strict=True):
            session.add(CheckinAnswer(rotation_id=rotation_id, offset_days=30, answer=answer))
    summary = await services.readiness_report.summary(demo.COHORT)
    assert summary.checkins[30] == {"smooth": 1, "help": 2}
    text = hr_views.summary(services.translate, "id", summary).text
    assert "Check-in +30 hari: Lancar 1, Ada kendala 0, Butuh bantuan 2" in text
