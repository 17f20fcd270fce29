"""Rendering knowledge answers and the HR question queue."""

from __future__ import annotations

import html

from bot import callbacks
from bot.hr_queue import Question
from bot.i18n import Translator
from bot.kb import Entry, KnowledgeBase
from bot.knowledge import AMBIGUOUS, ANSWERED, REFUSED, Result
from bot.replies import MESSAGE_LIMIT, Button, Reply, escape, split_reply, visible_length
from bot.views import not_understood

QUOTE_LIMIT = 500


def kb_answer(t: Translator, lang: str, entry: Entry, related: list[Entry]) -> Reply:
    """A knowledge answer with its legal basis, date, rating buttons and related entries."""
    footer = t(
        lang,
        "kb.footer",
        sources="; ".join(entry.sources),
        effective=t.effective(entry.effective, lang),
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button("👍", callbacks.KB_RATE.format(entry=entry.id, vote="up")),
            Button("👎", callbacks.KB_RATE.format(entry=entry.id, vote="down")),
        )
    ]
    rows += [
        (Button(f"📖 {r.title(lang)}", callbacks.KB_SHOW.format(entry=r.id)),) for r in related[:2]
    ]
    return Reply(f"{entry.answer(lang)}\n\n{footer}", tuple(rows))


def kb_choices(t: Translator, lang: str, candidates: tuple[Entry, ...]) -> Reply:
    """'Did you mean': the closest entries as buttons."""
    rows = tuple(
        (Button(e.title(lang), callbacks.KB_SHOW.format(entry=e.id)),) for e in candidates[:3]
    )
    return Reply(t(lang, "kb.did_you_mean"), rows)


def refused(t: Translator, lang: str, category: str) -> Reply:
    """A polite refusal that says why."""
    return Reply(t(lang, f"refusal.{category}"))


def rating_down(t: Translator, lang: str) -> Reply:
    """After 👎: invite the user to write the question for a person."""
    return Reply(t(lang, "kb.rated_down"))


def hr_open_list(t: Translator, lang: str, questions: list[Question], total: int) -> Reply:
    """The open questions for an admin, each with an answer button."""
    if not questions:
        return Reply(t(lang, "hr.none_open"))
    lines: list[str] = [t(lang, "hr.open_header", total=total)]
    rows = []
    for q in questions:
        when = t.date(q.created_at, lang)
        lines.append(f"<b>#{q.id}</b> ({when}, {q.language}): {html.escape(_short(q.text))}")
        label = t(lang, "hr.answer_button", number=q.id)
        rows.append((Button(label, callbacks.HR_ANSWER.format(number=q.id)),))
    return Reply("\n\n".join(lines), tuple(rows))


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
    quote = _short(question.text, QUOTE_LIMIT)
    whole = t(lang, "hr.answer_to_asker", question=quote, answer=question.answer or "")
    if visible_length(whole) <= MESSAGE_LIMIT:
        return [Reply(whole)]
    head = t(lang, "hr.answer_to_asker", question=quote, answer="").rstrip()
    return [Reply(head), *split_reply(Reply(escape(question.answer or "")))]


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kb_answer_with_related(t: Translator, lang: str, entry: Entry, base: KnowledgeBase) -> Reply:
    """An entry with its related entries looked up in the base."""
    related = [r for rid in entry.related if (r := base.get(rid)) is not None]
    return kb_answer(t, lang, entry, related)


def kb_result(t: Translator, result: Result, base: KnowledgeBase) -> Reply:
    """What the user sees for a classified question (chat and ``asnbot ask`` alike)."""
    lang = result.language
    if result.status == ANSWERED and result.entry is not None:
        return kb_answer_with_related(t, lang, result.entry, base)
    if result.status == AMBIGUOUS:
        return kb_choices(t, lang, result.candidates)
    if result.status == REFUSED and result.refusal is not None:
        return refused(t, lang, result.refusal)
    return not_understood(t, lang, True)
