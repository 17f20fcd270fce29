"""Rendering knowledge answers: the entry, its basis, ratings and "did you mean" choices."""

from __future__ import annotations

from bot import callbacks
from bot.career.nip import NipInfo, mask
from bot.i18n import Translator
from bot.knowledge import glossary
from bot.knowledge.answering import AMBIGUOUS, ANSWERED, REFUSED, SMALLTALK, Result
from bot.knowledge.kb import TELEGRAM_LIMIT, Entry, KnowledgeBase, rendered_text
from bot.replies import Button, Html, Reply, escape
from bot.views import not_understood


def kb_answer(
    t: Translator,
    lang: str,
    entry: Entry,
    related: list[Entry],
    see_also: tuple[Entry, ...] = (),
    second: Entry | None = None,
) -> Reply:
    """A knowledge answer with its legal basis, date, rating buttons, the close runners-up
    ("Lihat juga") and related entries; a two-part question's second answer follows the first."""
    text, shown = _with_terms(t, lang, entry.answer(lang), _footer(t, lang, entry)), {entry.id}
    if second is not None:
        shown.add(second.id)
        first_answer, second_answer = Html(entry.answer(lang)), Html(second.answer(lang))
        both = t(lang, "kb.two_parts", first=entry.title(lang), first_answer=first_answer,
                 second=second.title(lang), second_answer=second_answer)  # fmt: skip
        with_both = _with_terms(t, lang, both, _footer(t, lang, entry, second))
        if len(rendered_text(with_both)) <= TELEGRAM_LIMIT:
            text = with_both
        else:  # too long for one message: the second answer is a tap away
            see_also = (second, *see_also)
    rows: list[tuple[Button, ...]] = [
        (
            Button("👍", callbacks.KB_RATE.format(entry=entry.id, vote="up")),
            Button("👎", callbacks.KB_RATE.format(entry=entry.id, vote="down")),
        )
    ]
    rows += [
        (
            Button(
                t(lang, "kb.see_also", title=e.title(lang)), callbacks.KB_SHOW.format(entry=e.id)
            ),
        )
        for e in see_also[:2]
    ]
    shown |= {e.id for e in see_also[:2]}
    rows += [
        (Button(f"📖 {r.title(lang)}", callbacks.KB_SHOW.format(entry=r.id)),)
        for r in [r for r in related if r.id not in shown][:2]
    ]
    return Reply(text, tuple(rows))


def _footer(t: Translator, lang: str, *entries: Entry) -> str:
    """The legal basis of the answers shown, and when the newest of their rules took effect."""
    sources = dict.fromkeys(s for e in entries for s in e.sources)
    effective = max(e.effective for e in entries)
    return t(lang, "kb.footer", sources="; ".join(sources), effective=t.effective(effective, lang))


def _with_terms(t: Translator, lang: str, answer: str, footer: str) -> str:
    """The answer, then (in English) what its Indonesian terms mean, then the footer."""
    used = glossary.used_in(answer) if lang == "en" else []
    if not used:
        return f"{answer}\n\n{footer}"
    terms = "; ".join(f"<i>{escape(term.term)}</i>: {escape(term.en)}" for term in used)
    return f"{answer}\n\n{t(lang, 'kb.terms', terms=Html(terms))}\n\n{footer}"


def kb_choices(t: Translator, lang: str, candidates: tuple[Entry, ...]) -> Reply:
    """'Did you mean': the closest entries as buttons."""
    rows = tuple(
        (Button(e.title(lang), callbacks.KB_SHOW.format(entry=e.id)),) for e in candidates[:3]
    )
    return Reply(t(lang, "kb.did_you_mean"), (*rows, _officer_row(t, lang)))


def _officer_row(t: Translator, lang: str) -> tuple[Button, ...]:
    """The way out when the entries shown are not it: the question goes to a person (the
    handler keeps the offer)."""
    return (Button(t(lang, "kb.ask_officer"), callbacks.HANDOFF_SEND),)


def refused(t: Translator, lang: str, category: str) -> Reply:
    """A polite refusal that says why."""
    return Reply(t(lang, f"refusal.{category}"))


def rating_down(t: Translator, lang: str) -> Reply:
    """After 👎: invite the user to write the question for a person."""
    return Reply(t(lang, "kb.rated_down"))


def kb_answer_with_related(
    t: Translator,
    lang: str,
    entry: Entry,
    base: KnowledgeBase,
    see_also: tuple[Entry, ...] = (),
    second: Entry | None = None,
) -> Reply:
    """An entry with its related entries looked up in the base."""
    related = [r for rid in entry.related if (r := base.get(rid)) is not None]
    return kb_answer(t, lang, entry, related, see_also, second)


def kb_result(t: Translator, result: Result, base: KnowledgeBase) -> Reply:
    """What the user sees for a classified question (chat and ``asnbot ask`` alike)."""
    reply = _kb_reply(t, result, base)
    if result.nip is None or result.status == REFUSED:
        return reply
    return Reply(nip_decoded(t, result.language, *result.nip) + "\n\n" + reply.text, reply.buttons)


def nip_decoded(t: Translator, lang: str, nip: str, info: NipInfo) -> str:
    """What an NIP written in the question encodes (the NIP itself shown masked)."""
    key = "kb.nip_decoded_pppk" if info.pppk else "kb.nip_decoded"
    appointed = info.appointed.strftime("%Y") if info.pppk else info.appointed.strftime("%Y-%m")
    return t(lang, key, nip=mask(nip), birth=t.date(info.birth_date, lang),
             appointed=t.effective(appointed, lang), gender=t(lang, f"kb.gender.{info.gender}"),
             number=f"{info.sequence:03d}")  # fmt: skip


def _kb_reply(t: Translator, result: Result, base: KnowledgeBase) -> Reply:
    lang = result.language
    if result.status == ANSWERED and result.entry is not None:
        reply = kb_answer_with_related(t, lang, result.entry, base, result.see_also, result.second)
        if not result.tentative:
            return reply
        # Maybe not what was meant: said first, and a person is one tap away.
        text = f"{t(lang, 'kb.tentative')}\n\n{reply.text}"
        return Reply(text, (*reply.buttons, _officer_row(t, lang)))
    if result.status == AMBIGUOUS:
        return kb_choices(t, lang, result.candidates)
    if result.status == REFUSED and result.refusal is not None:
        return refused(t, lang, result.refusal)
    if result.status == SMALLTALK and result.talk is not None:
        help_button = Button(t(lang, "button.help"), callbacks.menu("help"))
        return Reply(t(lang, f"smalltalk.{result.talk}"), ((help_button,),))
    return not_understood(t, lang, True)
