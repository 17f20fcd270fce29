"""Scheduled work. The database is the store; the JobQueue (APScheduler) is only the clock."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.context import BotContext

log = logging.getLogger(__name__)

SWEEP_JOB = "sweep"


async def sweep_job(context: BotContext) -> None:
    """Housekeeping: drop expired conversations (later: pick up missed reminders and sends)."""
    purged = await context.services.dialogs.purge_expired()
    if purged:
        log.info("sweep: %d expired conversations removed", purged)


def schedule(app: Application[Any, Any, Any, Any, Any, Any], sweep_minutes: int) -> None:
    """Start the periodic jobs, replacing any of the same name."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    for job in queue.get_jobs_by_name(SWEEP_JOB):
        job.schedule_removal()
    queue.run_repeating(sweep_job, interval=sweep_minutes * 60, first=5, name=SWEEP_JOB)
