"""The scheduler starts with the application and its sweep cleans up from the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot import jobs
from bot.accounts.dialogs import Dialog
from bot.config import Config
from db.base import utcnow
from db.models import DialogState
from tests.bot_harness import for_mode, running_bot, services
from tests.fake_bot_api import FakeBotApi


async def test_the_sweep_is_scheduled_at_start_and_purges_expired_dialogues(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    async with running_bot(config) as app:
        assert app.job_queue is not None
        sweeps = app.job_queue.get_jobs_by_name(jobs.SWEEP_JOB)
        trims = app.job_queue.get_jobs_by_name(jobs.MEMORY_JOB)
        svc = services(app)
        await svc.users.touch(3, "id")
        await svc.users.touch(4, "id")
        await svc.dialogs.save(3, Dialog("link", "nip"))
        await svc.dialogs.save(4, Dialog("link", "nip"))
        async with svc.sessions() as session, session.begin():
            row = await session.get(DialogState, 3)
            assert row is not None
            row.expires_at = utcnow() - timedelta(seconds=1)
        context: Any = type(
            "Ctx", (), {"services": svc, "bot": app.bot, "bot_data": {}, "application": app}
        )()
        await jobs.sweep_job(context)
        left = (await svc.dialogs.current(3), await svc.dialogs.current(4))
    assert len(sweeps) == 1
    assert sweeps[0].next_t is not None
    assert len(trims) == 1  # freed heap pages go back to the system every minute
    assert left[0] is None
    assert left[1] == Dialog("link", "nip")
