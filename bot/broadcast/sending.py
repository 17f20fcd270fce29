"""Broadcasts at sending time: each recipient's message, and the progress HR watches.

The progress job reads everything from the database, so after a restart it picks up where it
was: the progress message's id is stored with the broadcast.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from telegram.error import BadRequest, TelegramError

from bot.broadcast import views
from bot.broadcast.store import KIND, Broadcasts, Content, Figures
from bot.i18n import Translator
from bot.keyboard import markup
from bot.outbox.sender import Renderer
from bot.outbox.store import Item
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.context import BotContext, Services

log = logging.getLogger(__name__)

PROGRESS_SECONDS = 5  # how often the progress messages are brought up to date
CACHED = 32  # broadcasts whose content is kept in memory while they go out
SHOWN = "broadcast_progress"  # bot_data key: broadcast id -> the progress text last shown


def register(svc: Services) -> None:
    """Teach the sender to render a broadcast for one recipient."""
    svc.sender.register(KIND, renderer(svc.broadcasts, svc.translate, svc.users.language_of))


def renderer(
    broadcasts: Broadcasts, t: Translator, language_of: Callable[[int], Awaitable[str]]
) -> Renderer:
    """A broadcast in the recipient's language (its content read once, not per recipient)."""
    cache: dict[int, Content] = {}

    async def render(item: Item) -> list[Reply] | None:
        content = cache.get(item.ref_id)
        if content is None:
            content = await broadcasts.content(item.ref_id)
            if content is None:
                return None
            if len(cache) >= CACHED:
                cache.pop(next(iter(cache)))
            cache[item.ref_id] = content
        lang = await language_of(item.chat_id)
        return [views.message(t, lang, content.id, content.text, content.ack, content.media)]

    return render


async def progress_job(context: BotContext) -> None:
    """Start what fell due, edit each progress message, and report each finished broadcast."""
    from bot.jobs import send_soon

    svc = context.services
    now = svc.clock()
    shown: dict[int, str] = context.bot_data.setdefault(SHOWN, {})
    for f in await svc.broadcasts.active():
        if f.send_at <= now and f.remaining and not svc.sender.busy:
            send_soon(context)
        if f.status == "scheduled" and f.send_at <= now:
            await svc.broadcasts.mark(f.id, "sending")
            f.status = "sending"
        finished = f.status == "sending" and f.done
        if finished:
            await svc.broadcasts.mark(f.id, "done")
            f.status = "done"
        if f.progress_chat_id is not None:
            await _show(context, svc, f, shown)
            if finished:
                lang = await svc.users.language_of(f.progress_chat_id)
                report = views.final_report(svc.translate, lang, f)
                await _send(context, f.progress_chat_id, report)
        if finished:
            shown.pop(f.id, None)


async def _show(context: BotContext, svc: Services, f: Figures, shown: dict[int, str]) -> None:
    assert f.progress_chat_id is not None
    lang = await svc.users.language_of(f.progress_chat_id)
    rate = svc.config.messages_per_second
    reply = views.progress(svc.translate, lang, f, rate, svc.clock())
    if shown.get(f.id) == reply.text:
        return
    try:
        if f.progress_message_id is None:
            raise LookupError("no progress message yet")
        await context.bot.edit_message_text(
            reply.text, chat_id=f.progress_chat_id, message_id=f.progress_message_id,
            reply_markup=markup(reply),
        )  # fmt: skip
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            await _replace(context, svc, f, reply, exc)
    except (TelegramError, LookupError) as exc:  # gone or never sent: a new one
        await _replace(context, svc, f, reply, exc)
    shown[f.id] = reply.text


async def _replace(
    context: BotContext, svc: Services, f: Figures, reply: Reply, exc: Exception
) -> None:
    assert f.progress_chat_id is not None
    log.info("progress of broadcast %d: new message (%s)", f.id, type(exc).__name__)
    message = await _send(context, f.progress_chat_id, reply)
    if message is not None:
        await svc.broadcasts.mark(f.id, f.status, message.message_id)


async def _send(context: BotContext, chat_id: int, reply: Reply) -> Any:
    try:
        return await context.bot.send_message(chat_id, reply.text, reply_markup=markup(reply))
    except TelegramError as exc:
        log.warning("could not send a broadcast report: %s", type(exc).__name__)
        return None
