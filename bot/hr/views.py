"""Rendering HR's side: the question queue, answers for askers, and import outcomes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot import callbacks
from bot.access import Access, region_name
from bot.career import catalog
from bot.commands import command
from bot.hr.audit import Entry as AuditEntry
from bot.hr.questions import CLOSE_REASONS, Question
from bot.hr.roles import Holder
from bot.hr.stats import Overview
from bot.i18n import Translator
from bot.knowledge.ratings import EntryRating
from bot.replies import MESSAGE_LIMIT, Button, Html, Reply, escape, split_reply, visible_length
from bot.views import role_name

if TYPE_CHECKING:  # the import machinery is loaded when a file arrives, not at start-up
    from bot.hr.checking import RowError
    from bot.hr.imports import Applied

# The /admin menu's buttons, in this order, each shown to the roles its command allows.
MENU_BUTTONS = ("pertanyaan", "umumkan", "siaran", "rotasi", "kesiapan", "peran", "audit",
                "muat_ulang")  # fmt: skip
QUOTE_LIMIT = 500  # characters of an asker's question quoted above the answer
LISTED_QUESTION = 160  # characters of a question in the admin's list
MAX_LISTED = 20
MAX_VALUE = 60  # characters of a cell value quoted in the message (the CSV has them whole)


def shorten(value: str, limit: int = MAX_VALUE) -> str:
    """A text cut to ``limit`` characters, an ellipsis marking the cut."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


def problem_line(error: RowError) -> str:
    return f"row {error.row}, {error.column} {shorten(error.value)!r}: {error.reason}"


def result(t: Translator, lang: str, name: str, kind: str, applied: Applied) -> Reply:
    """Imported (with the encoding it was read in), or rejected with the first problems."""
    if not applied.errors:
        done = t(lang, "import.done", file=name, kind=kind, new=applied.inserted,
                 updated=applied.updated, encoding=applied.encoding)  # fmt: skip
        if applied.cancelled:
            done = Html(done + "\n" + t(lang, "import.cancelled", count=applied.cancelled))
        if applied.warnings:
            lines = "\n".join(problem_line(e) for e in applied.warnings[:MAX_LISTED])
            notes = t(lang, "import.warnings", count=len(applied.warnings), rows=lines)
            return Reply(f"{done}\n\n{notes}")
        return Reply(done)
    lines = "\n".join(problem_line(e) for e in applied.errors[:MAX_LISTED])
    more = len(applied.errors) - MAX_LISTED
    if more > 0:
        lines += "\n" + t(lang, "import.more", count=more)
    return Reply(t(lang, "import.rejected", file=name, count=len(applied.errors), rows=lines))


def unreadable(t: Translator, lang: str, name: str, key: str, values: dict[str, object]) -> Reply:
    """A file that cannot be read at all: one line saying why."""
    return Reply(t(lang, "import.unreadable", file=name, reason=t(lang, key, **values)))


def hr_open_list(t: Translator, lang: str, questions: list[Question], total: int) -> Reply:
    """The open questions in the admin's queues, each with who asked from where and the
    buttons to answer, pass on or close it."""
    if not questions:
        return Reply(t(lang, "hr.none_open"))
    lines: list[str] = [t(lang, "hr.open_header", total=total)]
    lines += [_question_line(t, lang, q) for q in questions]
    return Reply("\n\n".join(lines), tuple(_question_buttons(t, lang, q) for q in questions))


def question_notice(t: Translator, lang: str, q: Question) -> Reply:
    """A new question in the admin's queue, with its buttons."""
    text = t(lang, "hr.new_question") + "\n\n" + _question_line(t, lang, q)
    return Reply(text, (_question_buttons(t, lang, q),))


def _question_line(t: Translator, lang: str, q: Question) -> str:
    when = t.date(q.created_at, lang)
    text = escape(shorten(q.text, LISTED_QUESTION))
    asker = (t(lang, "hr.asker_linked", unit=q.unit or "?", region=q.region or "?")
             if q.linked else t(lang, "hr.asker_unlinked"))  # fmt: skip
    queue = region_name(q.region_code or "") or q.region_code or ""
    return f"<b>#{q.id}</b> ({when}, {q.language}): {text}\n{asker} · {escape(queue)}"


def _question_buttons(t: Translator, lang: str, q: Question) -> tuple[Button, ...]:
    return (
        Button(t(lang, "hr.answer_button", number=q.id), callbacks.HR_ANSWER.format(number=q.id)),
        Button(t(lang, "hr.move_button"), callbacks.HR_MOVE.format(number=q.id)),
        Button(t(lang, "hr.close_button"), callbacks.HR_CLOSE.format(number=q.id)),
    )


def move_choices(t: Translator, lang: str, q: Question) -> Reply:
    """The governments a question can be passed to."""
    codes = [(name, code) for name, code in catalog.region_codes().items()
             if code != q.region_code]  # fmt: skip
    buttons = [Button(name, callbacks.HR_MOVE_TO.format(number=q.id, government=code))
               for name, code in codes]  # fmt: skip
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return Reply(t(lang, "hr.move_where", number=q.id), rows)


def close_choices(t: Translator, lang: str, q: Question) -> Reply:
    """Why a question is closed without an answer."""
    rows = []
    for why in CLOSE_REASONS:
        data = callbacks.HR_CLOSE_WHY.format(number=q.id, reason=why)
        rows.append((Button(t(lang, f"hr.close_reason.{why}"), data),))
    return Reply(t(lang, "hr.close_why", number=q.id), tuple(rows))


def hr_answer_prompt(t: Translator, lang: str, question: Question) -> Reply:
    return Reply(t(lang, "hr.answer_prompt", number=question.id, question=question.text))


def hr_delivered(t: Translator, lang: str, question: Question, outcome: str) -> Reply:
    """The admin's confirmation: sent, to be retried, or impossible to deliver."""
    key = {"sent": "hr.delivered", "retry": "hr.not_delivered"}.get(outcome, "hr.undeliverable")
    button = Button(t(lang, "hr.draft_button"), callbacks.HR_DRAFT.format(number=question.id))
    return Reply(t(lang, key, number=question.id), ((button,),))


def hr_answer_for_asker(t: Translator, question: Question) -> list[Reply]:
    """What the asker receives: their question quoted (shortened), then the officer's answer.

    An answer too long to share one message with the quote follows in messages of its own.
    """
    lang = question.language
    quote = shorten(question.text, QUOTE_LIMIT)
    whole = t(lang, "hr.answer_to_asker", question=quote, answer=question.answer or "")
    if visible_length(whole) <= MESSAGE_LIMIT:
        return [Reply(whole)]
    head = t(lang, "hr.answer_to_asker", question=quote, answer="").rstrip()
    return [Reply(head), *split_reply(Reply(escape(question.answer or "")))]


def admin_menu(
    t: Translator, lang: str, stats: Overview, ratings: list[EntryRating], access: Access
) -> Reply:
    """The admin's role, the counts within reach, the answers rated worst, and a button per
    task the role has."""
    text: str = t(lang, "admin.role", role=role_name(t, lang, access)) + "\n" + t(
        lang, "admin.overview", users=stats.users, consented=stats.consented,
        linked=stats.linked, employees=stats.employees, units=stats.units,
    )  # fmt: skip
    worst = [r for r in ratings if r.down][:3]
    if worst:
        lines = "\n".join(f"• {escape(r.entry_id)}: 👎 {r.down} · 👍 {r.up}" for r in worst)
        text += "\n\n" + t(lang, "admin.worst_rated", entries=Html(lines))
    buttons = [Button(t(lang, f"admin.button.{name}"), callbacks.ADMIN_MENU.format(name=name))
               for name in MENU_BUTTONS if access.allows(command(name).level)]  # fmt: skip
    return Reply(text, tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)))


def role_list(
    t: Translator, lang: str, holders: list[Holder], superadmins: frozenset[int]
) -> Reply:
    """/peran: who holds which role, and how to change it."""
    lines = [t(lang, "roles.super_line", user=u) for u in sorted(superadmins)]
    lines += [t(lang, "roles.line", user=h.user_id, role="bkd" if h.role == "gov" else "opd",
                scope=h.scope, date=t.date(h.granted_at, lang)) for h in holders]  # fmt: skip
    listing = Html("\n".join(escape(line) for line in lines)) if lines else t(lang, "roles.none")
    return Reply(t(lang, "roles.list", roles=listing) + "\n\n" + t(lang, "roles.usage"))


def audit_list(t: Translator, lang: str, entries: list[AuditEntry], total: int) -> Reply:
    """/audit: the newest entries, one line each."""
    if not entries:
        return Reply(t(lang, "audit.empty"))
    lines = [t(lang, "audit.line", at=t.datetime(e.at, lang), actor=e.actor_id or "CLI",
               action=e.action, detail=shorten(e.detail)) for e in entries]  # fmt: skip
    return Reply(t(lang, "audit.list", shown=len(entries), total=total,
                   entries=Html("\n".join(lines))))  # fmt: skip


def plain(text: str) -> Reply:
    return Reply(text)
