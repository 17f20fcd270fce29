"""``asnbot ask``: the knowledge base from the command line, as text, JSON or an explanation."""

from __future__ import annotations

import json

from bot.config import Config
from bot.i18n import Translator
from bot.knowledge import kb
from bot.knowledge import views as kb_views
from bot.knowledge.answering import AMBIGUOUS, Knowledge, Result, Thresholds
from bot.knowledge.parts import split as two_parts
from bot.replies import html_to_text


def load(config: Config) -> tuple[Knowledge, Translator]:
    """The knowledge service and translator, as the bot builds them."""
    k = config.knowledge
    thresholds = Thresholds(k.confident_score, k.ambiguous_score, k.margin)
    knowledge = Knowledge(thresholds, cache_dir=config.cache_dir)
    return knowledge, Translator(config.timezone, config.default_language)


def plain_answer(t: Translator, knowledge: Knowledge, result: Result) -> str:
    """The text the user would read; for a close call, the best candidate's answer."""
    if result.status == AMBIGUOUS and result.entry is not None:
        reply = kb_views.kb_answer(t, result.language, result.entry, [])
    else:
        reply = kb_views.kb_result(t, result, knowledge.base)
    return html_to_text(reply.text)


def as_json(knowledge: Knowledge, t: Translator, question: str, lang: str | None) -> str:
    """One JSON line: question, status, entry_id, score, answer, candidates, sources."""
    result = knowledge.ask(question, lang)
    entry = result.entry
    return json.dumps(
        {
            "question": question,
            "status": result.status,
            "entry_id": entry.id if entry else None,
            "score": round(result.score, 2),
            "answer": plain_answer(t, knowledge, result),
            "candidates": [c.id for c in result.candidates],
            "sources": list(entry.sources) if entry else [],
        },
        ensure_ascii=False,
    )


def as_text(
    knowledge: Knowledge, t: Translator, question: str, lang: str | None, explain: bool
) -> str:
    """The reply as the user sees it (buttons listed), optionally with the scoring."""
    result = knowledge.ask(question, lang)
    reply = kb_views.kb_result(t, result, knowledge.base)
    lines = [html_to_text(reply.text)]
    labels = [b.label for row in reply.buttons for b in row]
    if labels:
        lines.append("  ".join(f"[{label}]" for label in labels))
    if explain:
        lines.append(explanation(result, knowledge.base))
    return "\n".join(lines)


def explanation(result: Result, base: kb.KnowledgeBase) -> str:
    """Why this answer: tokens, refusal rule, and each candidate's score parts."""
    lines = [
        "--- explain ---",
        f"status: {result.status}  language: {result.language}",
        f"tokens: {' '.join(result.tokens)}",
    ]
    if result.refusal:
        lines.append(f"refused as {result.refusal}: {result.refusal_pattern or 'no domain words'}")
    if result.fact:
        lines.append(f"decided by the fact rule {result.fact!r} (content/facts.toml)")
    if result.second is not None and (cut := two_parts(result.question)):
        lines.append(
            f"two parts: {cut[0]!r} | {cut[1]!r}; the second answered by {result.second.id}"
        )
    if result.see_also:
        lines.append(
            "see also (within the see-also gap): " + ", ".join(e.id for e in result.see_also)
        )
    for match in result.matches:
        parts = "  ".join(f"{k}={v:.2f}" for k, v in match.parts.items())
        entry = base.get(match.entry_id)
        title = entry.title_id if entry else "?"
        lines.append(f"{match.score:6.2f}  {match.entry_id}  ({parts})  [{title}]")
        lines.append(f"        closest example: {match.best_question}")
    return "\n".join(lines)
