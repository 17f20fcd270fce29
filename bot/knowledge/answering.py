"""Answering rule questions: refusals first, then the search with its confidence bands.

The knowledge base, lexicon and refusal patterns are files; ``reload`` builds a new version off
the event loop when they change and swaps it in (a broken edit keeps the old version running).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.career import nip as nips
from bot.career.nip import NipInfo
from bot.knowledge import facts, kb, smalltalk, versions
from bot.knowledge.normalize import Lexicon, clean, looks_english, rewrite, stem
from bot.knowledge.refusals import UNRELATED
from bot.knowledge.search import Match

log = logging.getLogger(__name__)

ANSWERED, AMBIGUOUS, NO_MATCH, REFUSED = "answered", "ambiguous", "no_match", "refused"
SMALLTALK = "smalltalk"  # a greeting, thanks or "??": no question to answer
# A real question fits in far fewer characters; a 4,096-character message would cost ~100 ms
# of search for nothing.
MAX_QUESTION_CHARS = 500
CACHED = 2_048  # answers kept per content version (a few hundred KiB)


@dataclass(frozen=True)
class Thresholds:
    confident: float = 58.0
    ambiguous: float = 34.0
    margin: float = 3.0


@dataclass(frozen=True)
class Result:
    question: str
    status: str
    language: str
    entry: kb.Entry | None = None
    score: float = 0.0
    candidates: tuple[kb.Entry, ...] = ()
    matches: tuple[Match, ...] = ()
    refusal: str | None = None
    refusal_pattern: str = ""
    tokens: tuple[str, ...] = field(default=())
    talk: str | None = None  # for SMALLTALK: greeting, thanks or unclear
    nip: tuple[str, NipInfo] | None = None  # an NIP written in the question, decoded
    fact: str | None = None  # the content/facts.toml rule that decided the answer


class Knowledge:
    """The current knowledge base and how to ask it."""

    def __init__(
        self, thresholds: Thresholds, kb_dir: Path = kb.KB_DIR, cache_dir: Path | None = None
    ) -> None:
        self.thresholds = thresholds
        self._kb_dir = kb_dir
        self._cache_dir = cache_dir
        self._version = versions.build(kb_dir, cache_dir)
        self._reloading = asyncio.Lock()
        # Staff ask the same questions again and again: the last CACHED answers of the version in
        # use, keyed by the exact text (a reload starts afresh).
        self._answers: OrderedDict[tuple[str, str | None], Result] = OrderedDict()

    @property
    def base(self) -> kb.KnowledgeBase:
        return self._version.base

    def changed(self) -> bool:
        """Whether a content file was edited since the version in use was built."""
        return versions.stamp(self._kb_dir) != self._version.stamp

    async def reload(self, force: bool = True) -> list[kb.Problem] | None:
        """Rebuild off the event loop and swap the new version in at once.

        None: nothing changed (unless forced); []: reloaded; else the problems, and the previous
        version keeps serving. The build runs in a thread with a short switch interval, so the
        loop gets the interpreter back every half millisecond and other users are not held up.
        """
        async with self._reloading:
            if not force and not self.changed():
                return None
            previous = sys.getswitchinterval()
            sys.setswitchinterval(0.0005)
            try:
                version = await asyncio.to_thread(versions.build, self._kb_dir, self._cache_dir)
            except kb.ContentError as exc:
                log.warning("content not reloaded: %d problem(s)", len(exc.problems))
                return exc.problems
            finally:
                sys.setswitchinterval(previous)
            self._version, self._answers = version, OrderedDict()
        log.info("content reloaded: %d entries", len(version.base.entries))
        return []

    @property
    def lexicon(self) -> Lexicon:
        return self._version.lexicon

    def language_of(self, question: str) -> str:
        return (
            "en" if looks_english(question[:MAX_QUESTION_CHARS], self._version.lexicon) else "id"
        )

    def ask(self, question: str, language: str | None = None) -> Result:
        """Classify and answer one question (only its first MAX_QUESTION_CHARS are searched)."""
        question = question[:MAX_QUESTION_CHARS]
        key = (question, language)
        if (known := self._answers.get(key)) is not None:
            self._answers.move_to_end(key)
            return known
        result = self.ask_uncached(question, language)
        self._answers[key] = result
        if len(self._answers) > CACHED:
            self._answers.popitem(last=False)
        return result

    def ask_uncached(self, question: str, language: str | None = None) -> Result:
        """The answer worked out afresh (benchmarks time this, not the cache)."""
        question = question[:MAX_QUESTION_CHARS]
        version = self._version
        lang = language or self.language_of(question)
        if (talk := smalltalk.kind(question)) is not None:
            return Result(question, SMALLTALK, lang, talk=talk)
        refusal = version.refusals.match(question, version.lexicon)
        query = tuple(version.index.query_tokens(question))
        if refusal is not None:
            return Result(question, REFUSED, lang, refusal=refusal[0],
                          refusal_pattern=refusal[1], tokens=query)  # fmt: skip
        matches = tuple(version.index.search(question, limit=5))
        rule = facts.deciding(question.lower(), rewrite(question, version.lexicon))
        entry = version.base.get(rule.prefer) if rule else None
        if rule is not None and entry is not None:
            score = matches[0].score if matches else 0.0
            result = Result(question, ANSWERED, lang, entry, score, matches=matches,
                            tokens=query, fact=rule.name)  # fmt: skip
        else:
            result = self._decide(question, lang, matches, query)
        decoded = nips.found_in(question)
        return replace(result, nip=decoded) if decoded else result

    def _decide(
        self, question: str, lang: str, matches: tuple[Match, ...], query: tuple[str, ...]
    ) -> Result:
        t, base = self.thresholds, self._version.base
        top = matches[0] if matches else None
        second = matches[1].score if len(matches) > 1 else 0.0
        if top is not None and top.score >= t.confident and top.score - second >= t.margin:
            return Result(question, ANSWERED, lang, base.get(top.entry_id), top.score,
                          matches=matches, tokens=query)  # fmt: skip
        # A strong match also counts as in the domain ("what does this bot keep about me?").
        in_domain = self._in_domain(question) or (
            top is not None and top.score >= t.ambiguous + 10
        )
        if top is not None and top.score >= t.ambiguous and in_domain:
            close = [m for m in matches[:3] if m.score >= max(t.ambiguous, top.score - 15)]
            entries = tuple(e for m in close if (e := base.get(m.entry_id)) is not None)
            if len(entries) == 1:  # nothing else comes close: a menu of one helps nobody
                return Result(question, ANSWERED, lang, entries[0], top.score,
                              matches=matches, tokens=query)  # fmt: skip
            return Result(question, AMBIGUOUS, lang, entries[0], top.score, entries, matches,
                          tokens=query)  # fmt: skip
        if query and not in_domain:
            return Result(question, REFUSED, lang, refusal=UNRELATED, matches=matches,
                          tokens=query)  # fmt: skip
        score = top.score if top else 0.0
        return Result(question, NO_MATCH, lang, score=score, matches=matches, tokens=query)

    def _in_domain(self, question: str) -> bool:
        """A domain word in what was typed or in what it was rewritten to (plurals folded)."""
        lexicon = self._version.lexicon
        words = clean(question).split() + rewrite(question, lexicon).split()
        words += [stem(w) for w in words] + [w.removesuffix("s") for w in words]
        return not lexicon.domain_words.isdisjoint(words)
