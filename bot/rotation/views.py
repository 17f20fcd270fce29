"""What the person and HR read about a rotation: reminders, the readiness check, the help."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import callbacks
from bot.career import catalog
from bot.career.nip import mask
from bot.i18n import Translator
from bot.replies import Button, Html, Reply, escape, html_to_text
from bot.rotation.fit import Fit
from bot.rotation.guide import BLOCKS, Guide
from bot.rotation.mentoring import Pairing
from bot.rotation.moves import Move
from bot.rotation.readiness import BLOCK_ANSWERS, CHECKINS, REASONS, STATUSES, Answer

BULLET = "• "


def _move_lines(t: Translator, lang: str, move: Move) -> Html:
    sk = move.sk_number or t(lang, "rotation.sk_pending")
    return t(
        lang, "rotation.move", from_position=move.from_position or "-",
        from_unit=move.from_unit or "-", to_position=move.to_position, to_unit=move.to_unit,
        tmt=t.date(move.tmt, lang, with_weekday=True), sk=sk,
    )  # fmt: skip


def _reason(t: Translator, lang: str, move: Move) -> Html:
    if move.reason:
        return t(lang, "rotation.reason", reason=move.reason)
    return t(lang, "rotation.reason_missing")


def _lines(items: Sequence[str], mark: str = BULLET) -> Html:
    """Items (Telegram HTML already) one per line behind a mark."""
    return Html("\n".join(mark + item for item in items))


def _fit_lines(t: Translator, lang: str, fit: Fit) -> Html:
    if not fit.assessed:
        return t(lang, "rotation.fit_unassessed")
    names = {c.code: (c.name_en if lang == "en" else c.name_id) for c in catalog.competencies()}
    parts = []
    if fit.gaps:
        gaps = [t(lang, "rotation.fit_gap", name=names.get(r.code, r.code), actual=r.actual or 0,
                  required=r.required) for r in fit.gaps]  # fmt: skip
        parts.append(t(lang, "rotation.fit_gaps", lines=_lines(gaps)))
    else:
        parts.append(t(lang, "rotation.fit_none"))
    if fit.training:
        names_t = [escape(x.name_en if lang == "en" else x.name_id) + f" ({x.jp} JP)"
                   for x in fit.training]  # fmt: skip
        parts.append(t(lang, "rotation.fit_training", lines=_lines(names_t)))
    if fit.typical:
        parts.append(t(lang, "rotation.fit_typical"))
    if fit.missing_level:
        parts.append(t(lang, "rotation.fit_no_level"))
    return Html("\n".join(parts))


def status_buttons(t: Translator, lang: str, rotation_id: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(t(lang, f"rotation.status_{status}"),
                callbacks.ROT_READY.format(rotation=rotation_id, status=status)),)
        for status in STATUSES
    )  # fmt: skip


def reminder(t: Translator, lang: str, move: Move, guide: Guide, fit: Fit, days: int) -> Reply:
    """The reminder before the TMT: the move, why, what changes, the checklist, the fit, whom to
    contact, and the question with its three buttons."""
    text = "\n\n".join([
        t(lang, "rotation.reminder_title", days=days, name=move.name),
        _move_lines(t, lang, move),
        _reason(t, lang, move),
        t(lang, "rotation.changes_title") + "\n" + _lines([c(lang) for c in guide.changes]),
        t(lang, "rotation.checklist_title") + "\n" + _lines([c(lang) for c in guide.checklist],
                                                            "☐ "),
        t(lang, "rotation.fit_title") + "\n" + _fit_lines(t, lang, fit),
        t(lang, "rotation.contact", office=Html(guide.contact(move.to_region)(lang))),
        t(lang, "rotation.ask"),
    ])  # fmt: skip
    return Reply(text, status_buttons(t, lang, move.rotation_id))


def checkin(t: Translator, lang: str, move: Move, days: int) -> Reply:
    text = t(lang, "rotation.checkin", days=days, position=move.to_position, unit=move.to_unit)
    buttons = tuple(
        (Button(t(lang, f"rotation.checkin_{checkin}"),
                callbacks.ROT_CHECKIN.format(rotation=move.rotation_id, offset=days,
                                             value=checkin)),)
        for checkin in CHECKINS
    )  # fmt: skip
    return Reply(text, buttons)


def block_question(t: Translator, lang: str, answer: Answer) -> Reply:
    """The next line of the check, with Ya / Ragu / Tidak (and Lewati once a barrier shows)."""
    index = answer.next_block
    assert index is not None
    row = tuple(
        Button(t(lang, f"rotation.block_{choice}"),
               callbacks.ROT_BLOCK.format(answer=answer.id, index=index, value=choice))
        for choice in BLOCK_ANSWERS
    )  # fmt: skip
    buttons: tuple[tuple[Button, ...], ...] = (row,)
    if answer.barrier is not None:
        skip = callbacks.ROT_BLOCK.format(answer=answer.id, index=index, value="skip")
        buttons += ((Button(t(lang, "rotation.block_skip"), skip),),)
    head = t(lang, "rotation.check_intro") + "\n\n" if index == 0 else ""
    block = BLOCKS[index]
    line = t(lang, f"rotation.line_{block}")
    return Reply(head + t(lang, "rotation.line", number=index + 1, line=line), buttons)


def reason_question(t: Translator, lang: str, answer: Answer) -> Reply:
    buttons = tuple(
        (Button(t(lang, f"rotation.reason_{reason}"),
                callbacks.ROT_REASON.format(answer=answer.id, reason=reason)),)
        for reason in REASONS
    )  # fmt: skip
    return Reply(t(lang, "rotation.reason_question"), buttons)


def note_prompt(t: Translator, lang: str, answer: Answer) -> Reply:
    skip = callbacks.ROT_NOTE_SKIP.format(answer=answer.id)
    return Reply(
        t(lang, "rotation.note_prompt"), ((Button(t(lang, "rotation.note_skip"), skip),),)
    )


def ready(t: Translator, lang: str, move: Move, guide: Guide) -> Reply:
    steps = _lines([s(lang) for s in guide.steps])
    return Reply(t(lang, "rotation.ready", tmt=t.date(move.tmt, lang), steps=steps))


def help_for(
    t: Translator, lang: str, answer: Answer, guide: Guide, fit: Fit, titles: dict[str, str]
) -> Reply:
    """The help that fits the barrier (or, with none, the offer to talk to HR)."""
    barrier = answer.barrier or "desire"
    parts = [t(lang, f"rotation.barrier_{barrier}") if answer.barrier
             else t(lang, "rotation.barrier_none")]  # fmt: skip
    parts.append(Html(guide.help[barrier].text(lang)))
    if barrier == "awareness":
        parts.append(_reason(t, lang, answer.move))
    elif barrier == "knowledge":
        steps = _lines([s(lang) for s in guide.steps])
        checklist = _lines([c(lang) for c in guide.checklist], "☐ ")
        parts.append(Html(t(lang, "rotation.steps_title") + "\n" + steps))
        parts.append(Html(t(lang, "rotation.checklist_title") + "\n" + checklist))
    elif barrier == "ability":
        parts.append(_fit_lines(t, lang, fit))
    parts.append(t(lang, "rotation.change_answer", tmt=t.date(answer.move.tmt, lang)))
    buttons: list[tuple[Button, ...]] = [
        (Button("📖 " + titles[e], callbacks.KB_SHOW.format(entry=e)),)
        for e in guide.help[barrier].entries if e in titles
    ]  # fmt: skip
    if not answer.mentor_requested:
        buttons.append((Button(t(lang, "rotation.mentor_button"),
                               callbacks.ROT_MENTOR.format(answer=answer.id)),))  # fmt: skip
    buttons.append((Button(t(lang, "rotation.talk_button"),
                           callbacks.ROT_TALK.format(answer=answer.id)),))  # fmt: skip
    return Reply("\n\n".join(parts), tuple(buttons))


def talk_request(t: Translator, lang: str, answer: Answer) -> str:
    """The note HR's queue gets when someone asks to talk about their rotation."""
    move = answer.move
    block, reason, status = answer.barrier, answer.reason, answer.status
    barrier = t(lang, f"rotation.block_name_{block}") if block else "-"
    reason_text = t(lang, f"rotation.reason_{reason}") if reason else "-"
    return html_to_text(t(lang, "rotation.talk_request", cohort=move.cohort, unit=move.to_unit,
                 tmt=t.date(move.tmt, lang), status=t(lang, f"rotation.status_{status}"),
                 barrier=barrier, reason=reason_text))  # fmt: skip


def checkin_reply(t: Translator, lang: str, checkin: str, guide: Guide, move: Move) -> Reply:
    text = t(lang, f"rotation.checkin_reply_{checkin}")
    if checkin != "smooth":
        text = Html(text + "\n\n" + guide.help["reinforcement"].text(lang))
        office = Html(guide.contact(move.to_region)(lang))
        text = Html(text + "\n\n" + t(lang, "rotation.contact", office=office))
    return Reply(text)


def alert(t: Translator, lang: str, move: Move, today: date) -> Reply:
    """To HR: someone answered "not ready" (their NIP masked; details in /kesiapan)."""
    days = (move.tmt - today).days
    return Reply(t(lang, "rotation.alert", name=move.name, nip=mask(move.nip), cohort=move.cohort,
                   unit=move.to_unit, tmt=t.date(move.tmt, lang), days=days))  # fmt: skip


def checkin_alert(t: Translator, lang: str, move: Move, offset: int) -> Reply:
    return Reply(t(lang, "rotation.checkin_alert", name=move.name, nip=mask(move.nip),
                   cohort=move.cohort, unit=move.to_unit, days=offset))  # fmt: skip


def _mention(user_id: int | None, name: str) -> Html:
    """A name that opens the person's chat in Telegram (when their account is known)."""
    if user_id is None:
        return escape(name)
    return Html(f'<a href="tg://user?id={int(user_id)}">{escape(name)}</a>')


def mentor_offer(t: Translator, lang: str, pairing: Pairing) -> Reply:
    """To the mentor: who, which post, from when; nothing else about the person."""
    move = pairing.move
    text = t(lang, "rotation.mentor_offer", name=move.name, position=move.to_position,
             unit=move.to_unit, tmt=t.date(move.tmt, lang))  # fmt: skip
    buttons = ((
        Button(t(lang, "rotation.mentor_yes"), callbacks.MENTOR_ANSWER.format(pairing=pairing.id,
                                                                               value="yes")),
        Button(t(lang, "rotation.mentor_no"), callbacks.MENTOR_ANSWER.format(pairing=pairing.id,
                                                                              value="no")),
    ),)  # fmt: skip
    return Reply(text, buttons)


def mentor_accepted(t: Translator, lang: str, pairing: Pairing) -> Reply:
    move = pairing.move
    return Reply(t(lang, "rotation.mentor_accepted", name=_mention(move.user_id, move.name),
                   position=move.to_position, tmt=t.date(move.tmt, lang)))  # fmt: skip


def mentor_intro(t: Translator, lang: str, pairing: Pairing) -> Reply:
    mentor = pairing.mentor
    return Reply(t(lang, "rotation.mentor_intro", name=_mention(mentor.user_id, mentor.name),
                   position=mentor.position, unit=mentor.unit))  # fmt: skip


def mentor_answer(t: Translator, lang: str, pairing: Pairing) -> Reply:
    key = (
        "rotation.mentor_answer_yes"
        if pairing.status == "accepted"
        else "rotation.mentor_answer_no"
    )
    return Reply(t(lang, key, mentor=pairing.mentor.name, name=pairing.move.name,
                   id=pairing.move.rotation_id))  # fmt: skip
