"""Scheduled work. The database is the store; the JobQueue (APScheduler) is only the clock."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot
from telegram.ext import Application

from bot import menus
from bot.broadcast.sending import PROGRESS_SECONDS
from bot.broadcast.sending import progress_job as broadcast_progress
from bot.config import Config
from bot.context import CONSOLE_CHAT, BotContext, Services
from bot.hr.delivery import deliver_pending
from bot.memory import give_back_freed_memory
from bot.outbox.sender import Report
from db import staging

log = logging.getLogger(__name__)

SWEEP_JOB = "sweep"
# A sending round runs until the queue is empty or this long (the lease is renewed meanwhile).
SEND_ROUND_SECONDS = 3600.0
RELOAD_JOB = "reload-content"
PROGRESS_JOB = "broadcast-progress"
MEMORY_JOB = "give-back-memory"
MEMORY_SECONDS = 60  # a burst of work frees heap pages; an idle minute later they go back


async def sweep_job(context: BotContext) -> None:
    """Housekeeping: drop expired conversations, attempt counters and abandoned imports;
    resend HR answers."""
    svc = context.services
    purged = await svc.dialogs.purge_expired()
    await svc.links.purge_guards()
    await staging.purge_stale(svc.sessions)
    resent = await deliver_pending(context.bot, svc.hr_queue, svc.translate)
    if purged or resent:
        log.info("sweep: %d expired conversations removed, %d answers resent", purged, resent)
    if CONSOLE_CHAT not in context.bot_data:  # the console sends its own chat's part
        await menus.sync_admin_menus(context.bot, svc, context.bot_data)  # roles from the CLI
        await queue_reminders(svc)
        send_soon(context)


def send_soon(context: BotContext) -> None:
    """Start sending the outbox now (an alert HR should get at once, a broadcast), unless a
    round is already going: it runs until the queue is empty, in the background."""
    if CONSOLE_CHAT not in context.bot_data and not context.services.sender.busy:
        sending = context.services.sender.send_due(context.bot, SEND_ROUND_SECONDS)
        context.application.create_task(sending)


async def queue_reminders(svc: Services) -> None:
    queued = await svc.reminders.queue_due()
    if queued:
        log.info("sweep: %d reminders and check-ins queued", queued)


async def send_due(bot: Bot, svc: Services, only_chat: int | None = None) -> Report:
    """Queue the reminders and check-ins that fell due, then send the outbox (paced)."""
    await queue_reminders(svc)
    return await svc.sender.send_due(bot, SEND_ROUND_SECONDS, only_chat)


async def progress_job(context: BotContext) -> None:
    """Broadcasts: start those due, show their progress (not in the console: no Telegram)."""
    if CONSOLE_CHAT not in context.bot_data:
        await broadcast_progress(context)


async def memory_job(_context: BotContext) -> None:
    """Return the heap pages the last minute's work freed to the system (about 0.1 ms)."""
    await asyncio.to_thread(give_back_freed_memory)


async def reload_job(context: BotContext) -> None:
    """Pick up edited content files without a restart."""
    await context.services.knowledge.reload(force=False)


def schedule(app: Application[Any, Any, Any, Any, Any, Any], config: Config) -> None:
    """Start the periodic jobs, replacing any of the same name."""
    queue = app.job_queue
    if queue is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    for job in queue.jobs():
        job.schedule_removal()
    queue.run_repeating(sweep_job, interval=config.sweep_seconds, first=5, name=SWEEP_JOB)
    queue.run_repeating(progress_job, interval=PROGRESS_SECONDS, first=2, name=PROGRESS_JOB)
    queue.run_repeating(memory_job, interval=MEMORY_SECONDS, first=MEMORY_SECONDS, name=MEMORY_JOB)
    if config.knowledge.reload_seconds:
        seconds = config.knowledge.reload_seconds
        queue.run_repeating(reload_job, interval=seconds, first=seconds, name=RELOAD_JOB)
