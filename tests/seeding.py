"""Linked people and due reminders put straight into the database, for tests and benchmarks that
need many of them before the bot starts."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Services
from bot.rotation import plans
from db.models import TelegramLink, User


async def link_users(
    svc: Services, employees: list[int], first_user: int, blocked: int = 0
) -> list[int]:
    """Telegram accounts ``first_user``, ``first_user + 1``… linked to ``employees`` in order
    (the first ``blocked`` of them blocked the bot); their ids."""
    now = svc.clock()
    users = list(range(first_user, first_user + len(employees)))
    async with svc.sessions() as session, session.begin():
        session.add_all([User(id=u, language="id", last_seen_at=now, is_blocked=i < blocked)
                         for i, u in enumerate(users)])  # fmt: skip
        await session.flush()
        session.add_all(
            [TelegramLink(user_id=u, employee_id=e) for u, e in zip(users, employees, strict=True)]
        )
    return users


async def plan_reminders(svc: Services, nips: list[str], cohort: str = "Uji") -> None:
    """Rotations ten days ahead: their 14-day reminder fell due four days ago."""
    now = svc.clock()
    tmt = svc.planner.today(now) + timedelta(days=10)
    rows = [{"nip": nip, "unit_code": "PROV-BKD", "position_name": "Analis",
             "position_type": "pelaksana", "functional_level": None, "tmt": tmt,
             "sk_number": "", "cohort": cohort, "reason": ""} for nip in nips]  # fmt: skip
    async with svc.sessions() as session, session.begin():
        await plans.write_rows(session, rows, svc.planner, now)
