"""A question normalised once: every step (small talk, refusals, facts, personal routes, search,
the domain check) reads this one value instead of cleaning and rewriting the text again."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.knowledge.normalize import (
    Lexicon,
    clean,
    looks_english,
    rewrite_cleaned,
    search_roots,
    stem,
    without_places,
)

# A real question fits in far fewer characters; a 4,096-character message would cost ~100 ms
# of search for nothing.
MAX_QUESTION_CHARS = 500


@dataclass(frozen=True)
class Query:
    text: str  # as typed, cut to MAX_QUESTION_CHARS
    cleaned: str  # lower case, no punctuation (patterns that read the words people typed)
    rewritten: str  # abbreviations and slang replaced by what they mean (lexicon.toml)
    roots: tuple[str, ...]  # the rewritten words' roots, without stopwords
    tokens: tuple[str, ...]  # search tokens: the roots, typos mapped to indexed words
    english: bool

    @property
    def texts(self) -> tuple[str, str]:
        """Rewritten and cleaned, each with a space at both ends, for the content's patterns."""
        return f" {self.rewritten} ", f" {self.cleaned} "

    @property
    def words(self) -> set[str]:
        """Every form of every word: typed, rewritten, without particles, as roots (typos are
        not guessed here: "kereta" must not count as "kerja")."""
        forms = self.cleaned.split() + self.rewritten.split()
        return {*forms, *(stem(w) for w in forms), *(w.removesuffix("s") for w in forms),
                *self.roots}  # fmt: skip


def understand(text: str, lexicon: Lexicon, known: Callable[[str], str] = str) -> Query:
    """Normalise a question once; ``known`` maps a typo to the closest indexed word."""
    text = text[:MAX_QUESTION_CHARS]
    cleaned = clean(text)
    rewritten = rewrite_cleaned(cleaned, lexicon)
    roots = tuple(without_places(search_roots(rewritten, lexicon), lexicon))
    english = looks_english(cleaned, lexicon)
    return Query(text, cleaned, rewritten, roots, tuple(map(known, roots)), english)
