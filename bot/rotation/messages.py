"""Rendering the outbox rows of the rotation feature when the sender sends them.

Each renderer returns None when the message no longer applies (the rotation was cancelled or
moved, its TMT has come, the account is no longer the person's), so nothing stale goes out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.outbox.store import Item
from bot.replies import Reply
from bot.rotation import fit, guide, readiness, schedule, views
from bot.rotation import mentoring as mentoring_kinds
from bot.rotation.moves import Move

if TYPE_CHECKING:
    from bot.context import Services


async def reminder(svc: Services, move: Move, lang: str) -> Reply | None:
    """The reminder of a move as of today (sent by the sweep, shown again by /rotasi)."""
    today = svc.planner.today(svc.clock())
    matched = await fit.of_person(svc.profiles, move, today)
    if matched is None:
        return None
    days = (move.tmt - today).days
    return views.reminder(svc.translate, lang, move, guide.guide(), matched, days)


def register(svc: Services) -> None:
    """Teach the sender the rotation feature's kinds of message."""
    t, planner = svc.translate, svc.planner

    async def planned(item: Item) -> list[Reply] | None:
        found = await svc.reminders.message(item.ref_id)
        if found is None:
            return None
        row, move = found
        today = planner.today(svc.clock())
        if move.status != "planned" or move.user_id != item.chat_id or row.tmt != move.tmt:
            return None
        lang = move.language or t.default
        if row.kind == schedule.CHECKIN:
            return [views.checkin(t, lang, move, row.offset_days)]
        if today >= move.tmt:
            return None
        shown = await reminder(svc, move, lang)
        return [shown] if shown is not None else None

    async def alert(item: Item) -> list[Reply] | None:
        found = await svc.readiness.alert(item.ref_id)
        if found is None:
            return None
        _, move = found
        lang = await svc.users.language_of(item.chat_id)
        return [views.alert(t, lang, move, planner.today(svc.clock()))]

    async def checkin_alert(item: Item) -> list[Reply] | None:
        found = await svc.readiness.checkin_alert(item.ref_id)
        if found is None:
            return None
        row, move = found
        lang = await svc.users.language_of(item.chat_id)
        return [views.checkin_alert(t, lang, move, row.offset_days)]

    async def mentoring(item: Item) -> list[Reply] | None:
        pairing = await svc.mentoring.get(item.ref_id)
        if pairing is None or pairing.move.status != "planned":
            return None
        lang = await svc.users.language_of(item.chat_id)
        if item.kind == mentoring_kinds.OFFER:
            return [views.mentor_offer(t, lang, pairing)] if pairing.status == "offered" else None
        if item.kind == mentoring_kinds.INTRO:
            return [views.mentor_intro(t, lang, pairing)]
        return [views.mentor_answer(t, lang, pairing)]

    sender = svc.sender
    for kind in (mentoring_kinds.OFFER, mentoring_kinds.INTRO, mentoring_kinds.ANSWER):
        sender.register(kind, mentoring)
    sender.register(schedule.OUTBOX_KIND[schedule.REMINDER], planned)
    sender.register(schedule.OUTBOX_KIND[schedule.CHECKIN], planned)
    sender.register(readiness.ALERT, alert)
    sender.register(readiness.CHECKIN_ALERT, checkin_alert)
