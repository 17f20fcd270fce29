"""Answering rule questions: refusals first, then the search with its confidence bands.

The knowledge base, lexicon and refusal patterns are files; ``reload_if_changed`` swaps in a new
version when they change (a broken edit keeps the old version running).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.knowledge import kb
from bot.knowledge.normalize import LEXICON_FILE, Lexicon, clean, looks_english, rewrite, stem
from bot.knowledge.refusals import REFUSALS_FILE, UNRELATED, Refusals
from bot.knowledge.search import Match, SearchIndex

log = logging.getLogger(__name__)

ANSWERED, AMBIGUOUS, NO_MATCH, REFUSED = "answered", "ambiguous", "no_match", "refused"
# A real question fits in far fewer characters; a 4,096-character message would cost ~100 ms
# of search for nothing.
MAX_QUESTION_CHARS = 500


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


@dataclass(frozen=True)
class _Version:
    base: kb.KnowledgeBase
    lexicon: Lexicon
    refusals: Refusals
    index: SearchIndex
    stamp: tuple[float, ...]


# The last version built in this process, by folder and file times: versions are immutable.
_BUILT: dict[tuple[Path, tuple[float, ...]], _Version] = {}


class Knowledge:
    """The current knowledge base and how to ask it."""

    def __init__(self, thresholds: Thresholds, kb_dir: Path = kb.KB_DIR) -> None:
        self.thresholds = thresholds
        self._kb_dir = kb_dir
        self._version = self._build()

    @property
    def base(self) -> kb.KnowledgeBase:
        return self._version.base

    def _files(self) -> list[Path]:
        return [*sorted(self._kb_dir.glob("*.toml")), LEXICON_FILE, REFUSALS_FILE]

    def _stamp(self) -> tuple[float, ...]:
        return tuple(p.stat().st_mtime for p in self._files())

    def _build(self) -> _Version:
        stamp = self._stamp()
        key = (self._kb_dir, stamp)
        if (cached := _BUILT.get(key)) is not None:
            return cached  # another Services in this process built the same files already
        base = kb.load(self._kb_dir)
        lexicon = Lexicon.load()
        built = _Version(base, lexicon, Refusals.load(), SearchIndex(base.entries, lexicon), stamp)
        _BUILT.clear()
        _BUILT[key] = built
        return built

    def reload_if_changed(self) -> list[kb.Problem] | None:
        """Rebuild when a file changed. None: nothing changed; []: reloaded; else the problems."""
        if self._stamp() == self._version.stamp:
            return None
        return self.reload()

    def reload(self) -> list[kb.Problem]:
        """Rebuild now; on problems keep serving the previous version and return them."""
        try:
            self._version = self._build()
        except kb.ContentError as exc:
            log.warning("content not reloaded: %d problem(s)", len(exc.problems))
            return exc.problems
        log.info("content reloaded: %d entries", len(self._version.base.entries))
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
        version = self._version
        lang = language or self.language_of(question)
        refusal = version.refusals.match(question, version.lexicon)
        query = tuple(version.index.query_tokens(question))
        if refusal is not None:
            return Result(question, REFUSED, lang, refusal=refusal[0],
                          refusal_pattern=refusal[1], tokens=query)  # fmt: skip
        matches = tuple(version.index.search(question, limit=5))
        return self._decide(question, lang, matches, query)

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
