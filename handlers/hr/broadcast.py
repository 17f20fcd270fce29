"""HR admins: /umumkan (compose, choose the audience, preview, send or schedule), /siaran
(broadcasts with their figures, re-send, stop), and the recipients' "Saya sudah membaca".

The wizard's state lives in the database (one dialogue per admin), so a restart in the middle
of composing loses nothing.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot import callbacks
from bot.accounts.dialogs import Dialog
from bot.broadcast import views
from bot.broadcast.audience import Audience, AudienceError, checked
from bot.broadcast.store import Draft
from bot.career.views import POSITION_KEYS
from bot.context import BotContext
from bot.jobs import send_soon
from bot.outbox.sender import deliver
from bot.replies import MESSAGE_LIMIT, Reply, visible_length
from handlers.common import send
from handlers.hr.admin import add_command, admin_press

FLOW = "broadcast"
_WHEN = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2})[.:](\d{2})")


async def start(update: Update, context: BotContext) -> None:
    """/umumkan: the first step, the message itself."""
    assert update.effective_user is not None
    t = context.services.translate
    await context.services.dialogs.save(update.effective_user.id, Dialog(FLOW, "content", {}))
    await send(update, views.ask_content(t, context.lang))


async def step(update: Update, context: BotContext, dialog: Dialog) -> None:
    """A message typed (or a file sent) in the middle of the wizard."""
    if context.access is None:  # the role was revoked meanwhile
        await context.services.dialogs.end(_user(update))
        return
    message = update.effective_message
    assert message is not None
    handler = {"content": _content, "units": _units, "grades": _grades, "when": _when}.get(
        dialog.step
    )
    if handler is None:  # a button is expected: show the step again
        await send(
            update, Reply(context.services.translate(context.lang, "broadcast.use_buttons"))
        )
        return
    await handler(update, context, dialog, message)


async def _content(update: Update, context: BotContext, dialog: Dialog, message: Message) -> None:
    t, lang = context.services.translate, context.lang
    media: tuple[str, str] | None = None
    if message.photo:
        media = ("photo", message.photo[-1].file_id)
    elif message.document is not None:
        media = ("document", message.document.file_id)
    text = (message.caption_html if media else message.text_html) or ""
    if not text.strip() or visible_length(text) > MESSAGE_LIMIT - 100:
        await send(update, Reply(t(lang, "broadcast.content_invalid")))
        return
    data = {"text": text, "media": list(media) if media else None}
    await _save(context, update, dialog, "audience", data)
    await send(update, views.ask_audience(t, lang, context.admin))


async def _units(update: Update, context: BotContext, dialog: Dialog, message: Message) -> None:
    codes = [c.strip().upper() for c in re.split(r"[,\s]+", message.text or "") if c.strip()]
    known = await context.services.broadcasts.unit_codes(context.admin)
    unknown = [c for c in codes if c not in known]
    if not codes or unknown:
        t = context.services.translate
        shown = ", ".join(unknown) or "-"
        await send(update, Reply(t(context.lang, "broadcast.bad_units", codes=shown)))
        return
    await _audience_chosen(update, context, dialog, Audience("unit", tuple(codes)))


async def _grades(update: Update, context: BotContext, dialog: Dialog, message: Message) -> None:
    low, _, high = (message.text or "").replace("–", "-").partition("-")
    try:
        audience = checked(Audience("grade", (low.strip(), (high or low).strip())))
    except AudienceError:
        t = context.services.translate
        await send(update, Reply(t(context.lang, "broadcast.bad_grades")))
        return
    await _audience_chosen(update, context, dialog, audience)


async def _when(update: Update, context: BotContext, dialog: Dialog, message: Message) -> None:
    svc, t, lang = context.services, context.services.translate, context.lang
    match = _WHEN.fullmatch((message.text or "").strip())
    moment = None
    if match is not None:
        try:
            year, month, day, hour, minute = (int(p) for p in match.groups())
            moment = datetime(year, month, day, hour, minute, tzinfo=svc.config.timezone)
        except ValueError:
            moment = None
    if moment is None or moment <= svc.clock():
        await send(update, Reply(t(lang, "broadcast.bad_when")))
        return
    await _create(update, context, dialog, moment)


async def press(update: Update, context: BotContext) -> None:
    """A button of the wizard; pressed out of turn (or forged), it changes nothing."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer()
    dialog = context.user_info.dialog if context.user_info else None
    if dialog is None or dialog.flow != FLOW or context.access is None:
        return
    _, kind, value = query.data.split(":")
    svc, t, lang = context.services, context.services.translate, context.lang
    if kind == "aud" and dialog.step == "audience":
        await _kind_chosen(update, context, dialog, value)
    elif kind == "gov" and dialog.step == "gov" and context.admin.role == "super":
        await _audience_chosen(update, context, dialog, Audience("gov", (value,)))
    elif kind == "pos" and dialog.step == "pos" and value in POSITION_KEYS:
        await _audience_chosen(update, context, dialog, Audience("position", (value,)))
    elif kind in ("coh", "nr") and dialog.step == kind:
        await _cohort_chosen(update, context, dialog, kind, value)
    elif kind == "ack" and dialog.step == "ack":
        await _preview(update, context, dialog, value == "yes")
    elif kind == "go" and dialog.step == "confirm" and value in ("now", "later", "cancel"):
        if value == "now":
            await _create(update, context, dialog, None)
        elif value == "later":
            await _save(context, update, dialog, "when", {})
            await send(update, Reply(t(lang, "broadcast.ask_when")))
        else:
            await svc.dialogs.end(_user(update))
            await send(update, Reply(t(lang, "broadcast.cancelled")))
    elif kind == "go" and value == "back" and dialog.step == "confirm":
        await _save(context, update, dialog, "audience", {})
        await send(update, views.ask_audience(t, lang, context.admin))


async def _kind_chosen(update: Update, context: BotContext, dialog: Dialog, kind: str) -> None:
    svc, t, lang, access = (
        context.services,
        context.services.translate,
        context.lang,
        context.admin,
    )
    if kind == "all":
        await _audience_chosen(update, context, dialog, Audience())
    elif kind == "gov" and access.role == "super":
        await _save(context, update, dialog, "gov", {})
        await send(update, views.ask_government(t, lang))
    elif kind == "unit" and access.role != "unit":
        await _save(context, update, dialog, "units", {})
        codes = sorted(await svc.broadcasts.unit_codes(access))
        example = ", ".join(codes[:6]) + (" …" if len(codes) > 6 else "")
        await send(update, Reply(t(lang, "broadcast.ask_units", example=example)))
    elif kind == "position":
        await _save(context, update, dialog, "pos", {})
        await send(update, views.ask_position(t, lang))
    elif kind == "grade":
        await _save(context, update, dialog, "grades", {})
        await send(update, Reply(t(lang, "broadcast.ask_grades")))
    elif kind in ("cohort", "not_ready"):
        cohorts = await svc.readiness_report.cohorts(access)
        step_name = "coh" if kind == "cohort" else "nr"
        await _save(context, update, dialog, step_name, {"cohorts": cohorts})
        await send(update, views.ask_cohort(t, lang, cohorts, step_name))


async def _cohort_chosen(
    update: Update, context: BotContext, dialog: Dialog, kind: str, value: str
) -> None:
    cohorts: list[str] = list(dialog.data.get("cohorts") or [])
    if kind == "nr" and value == "all":
        await _audience_chosen(update, context, dialog, Audience("not_ready"))
        return
    if not value.isdigit() or int(value) >= len(cohorts):
        return
    name = cohorts[int(value)]
    audience = Audience("cohort" if kind == "coh" else "not_ready", (name,))
    await _audience_chosen(update, context, dialog, audience)


async def _audience_chosen(
    update: Update, context: BotContext, dialog: Dialog, audience: Audience
) -> None:
    await _save(context, update, dialog, "ack", {"audience": audience.as_json()})
    await send(update, views.ask_ack(context.services.translate, context.lang))


async def _preview(update: Update, context: BotContext, dialog: Dialog, ack: bool) -> None:
    """The message as recipients will see it, then the exact number of recipients."""
    svc, t, lang = context.services, context.services.translate, context.lang
    dialog = await _save(context, update, dialog, "confirm", {"ack": ack})
    audience = Audience.of_json(dialog.data["audience"])
    count = await svc.broadcasts.count(audience, context.admin)
    media = tuple(dialog.data["media"]) if dialog.data.get("media") else None
    shown = views.message(t, lang, 0, dialog.data["text"], False, media)
    assert update.effective_chat is not None
    await deliver(context.bot, update.effective_chat.id, shown, _no_wait)
    await send(update, views.preview(t, lang, audience, count, ack))


async def _create(
    update: Update, context: BotContext, dialog: Dialog, when: datetime | None
) -> None:
    svc, t, lang = context.services, context.services.translate, context.lang
    user = _user(update)
    await svc.dialogs.end(user)
    data = dialog.data
    media = tuple(data["media"]) if data.get("media") else (None, None)
    draft = Draft(data["text"], Audience.of_json(data["audience"]), bool(data.get("ack")),
                  media[0], media[1])  # fmt: skip
    made = await svc.broadcasts.create(user, draft, when, context.admin, progress_chat=user)
    reply = views.progress(t, lang, made, svc.config.messages_per_second, svc.clock())
    message = await send(update, reply)
    if message is not None:
        await svc.broadcasts.mark(made.id, made.status, message.message_id)
    if when is None:
        send_soon(context)


async def _save(
    context: BotContext, update: Update, dialog: Dialog, step_name: str, data: dict[str, Any]
) -> Dialog:
    changed = Dialog(FLOW, step_name, {**dialog.data, **data})
    await context.services.dialogs.save(_user(update), changed)
    return changed


async def _no_wait() -> None:
    """The preview goes to one admin: no pacing between its parts beyond Telegram's own."""


def _user(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def acknowledge(update: Update, context: BotContext) -> None:
    """ "Saya sudah membaca": recorded once; a press by someone who never got it is ignored."""
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    number = int(query.data.split(":")[1])
    done = await context.services.broadcasts.acknowledge(number, query.from_user.id)
    t = context.services.translate
    if done is None:
        await query.answer()
    else:
        await query.answer(t(context.lang, "broadcast.ack_thanks"))


async def listing(update: Update, context: BotContext) -> None:
    """/siaran: the newest broadcasts this admin may see, with their figures."""
    assert update.effective_user is not None
    svc = context.services
    found = await svc.broadcasts.listing(context.admin, update.effective_user.id)
    await send(update, views.listing(svc.translate, context.lang, found))


async def detail(update: Update, context: BotContext) -> None:
    """One broadcast's figures and acknowledgement rates per unit."""
    svc = context.services
    if (number := await admin_press(update, context)) is None:
        return
    found = await svc.broadcasts.visible(number, context.admin, _user(update))
    if found is not None:
        units = await svc.broadcasts.acks_by_unit(number)
        await send(update, views.details(svc.translate, context.lang, found, units, svc.clock()))


async def resend(update: Update, context: BotContext) -> None:
    """Send the broadcast again to those who got it and have not acknowledged."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if (number := await admin_press(update, context)) is None:
        return
    made = await svc.broadcasts.resend_unacknowledged(number, _user(update), context.admin)
    if made is None or made.recipients == 0:
        await send(update, Reply(t(lang, "broadcast.nothing_to_resend")))
        return
    reply = views.progress(t, lang, made, svc.config.messages_per_second, svc.clock())
    message = await send(update, reply)
    if message is not None:
        await svc.broadcasts.mark(made.id, made.status, message.message_id)
    send_soon(context)


async def stop(update: Update, context: BotContext) -> None:
    """Stop a broadcast: what has not gone out yet never will."""
    svc, t, lang = context.services, context.services.translate, context.lang
    if (number := await admin_press(update, context)) is None:
        return
    done = await svc.broadcasts.cancel(number, _user(update), context.admin)
    key = "broadcast.stopped" if done else "broadcast.not_stoppable"
    await send(update, Reply(t(lang, key, id=number)))


FLOWS = {FLOW: step}
MEDIA_FLOWS = frozenset({FLOW})


def register(app: Application) -> None:  # type: ignore[type-arg]
    add_command(app, "umumkan", start)
    add_command(app, "siaran", listing)
    app.add_handler(CallbackQueryHandler(press, pattern=callbacks.BROADCAST_WIZARD_PATTERN))
    app.add_handler(CallbackQueryHandler(acknowledge, pattern=callbacks.BROADCAST_ACK_PATTERN))
    app.add_handler(CallbackQueryHandler(detail, pattern=callbacks.BROADCAST_DETAIL_PATTERN))
    app.add_handler(CallbackQueryHandler(resend, pattern=callbacks.BROADCAST_RESEND_PATTERN))
    app.add_handler(CallbackQueryHandler(stop, pattern=callbacks.BROADCAST_CANCEL_PATTERN))
