"""Turning a chat message into search tokens: case, punctuation, stretched letters, abbreviations.

The rewrite rules are data (content/lexicon.toml), so HR can add the slang they hear.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from Sastrawi.Stemmer.Stemmer import Stemmer

from bot.config import CONTENT_DIR

LEXICON_FILE = CONTENT_DIR / "lexicon.toml"
# Three or more of the same letter ("bangettt") become one; spared: "i" (III) and "p" (PPPK).
_STRETCHED = re.compile(r"([a-hj-oq-z])\1{2,}")
_NON_WORD = re.compile(r"[^\w/]+")
_SUFFIXES = ("nya", "nyo", "lah", "kah")
# Words that end like a particle but are roots ("tanya" is not "ta" + "nya").
_NOT_SUFFIXED = frozenset(
    {
        "tanya",
        "ditanya",
        "bertanya",
        "punya",
        "hanya",
        "sanya",
        "kenya",
        "salah",
        "sekolah",
        "kuliah",
        "masalah",
        "jumlah",
        "sejarah",
        "wilayah",
        "daerah",
        "istilah",
        "nikah",
        "rumah",
        "sudah",
        "bawah",
        "tengah",
        "lelah",
        "murah",
        "ubah",
        "tambah",
        "pindah",
        "sebelah",
        "kalah",
        "bedah",
        "berubah",
        "mudah",
        "sah",
        "arah",
        "kerah",
        "ilah",
        "allah",
        "kepalah",
    }
)


GOVERNMENTS = frozenset({"kabupaten", "kota"})
MOVING = frozenset({"mutasi", "pindah", "rotasi", "move", "transfer", "ikut"})


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, str]
    phrases: tuple[tuple[str, re.Pattern[str], str], ...]  # (phrase, its pattern, meaning)
    stopwords: frozenset[str]
    english_stopwords: frozenset[str]
    domain_words: frozenset[str]
    roots: dict[str, str]  # where Sastrawi over-stems: "kinerja" is not "kerja"
    places: frozenset[str] = frozenset()  # the regencies and cities, as the rewrite spells them

    @classmethod
    def load(cls, path: Path = LEXICON_FILE) -> Lexicon:
        """Read the lexicon file."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        mapping: dict[str, str] = {}
        for table in ("chat", "jambi", "domain", "places", "english"):
            mapping.update({k.lower(): v.lower() for k, v in data.get(table, {}).items()})
        words = {k: v for k, v in mapping.items() if " " not in k}
        phrases = tuple(
            (k, re.compile(rf"\b{re.escape(k)}\b"), v)
            for k, v in sorted(mapping.items(), key=lambda kv: -len(kv[0]))
            if " " in k
        )
        stop = data.get("stopwords", {})
        return cls(
            words=words,
            phrases=phrases,
            stopwords=frozenset(stop.get("id", ())),
            english_stopwords=frozenset(stop.get("en", ())),
            domain_words=frozenset(data.get("domain_words", {}).get("words", ())),
            roots={k.lower(): v.lower() for k, v in data.get("roots", {}).items()},
            places=frozenset(w for v in data.get("places", {}).values() for w in v.lower().split())
            - GOVERNMENTS,
        )


def clean(text: str) -> str:
    """Lower case, no accents or punctuation, stretched letters shortened, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    text = re.sub(r"(?<![ivx])/|/(?![a-e]\b)", " ", text)  # keep "iii/a", drop other slashes
    return " ".join(_STRETCHED.sub(r"\1", text).split())


def stem(token: str) -> str:
    """Drop the particles -nya, -lah, -kah from longer words (how the lexicon is looked up)."""
    if token in _NOT_SUFFIXED:
        return token
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) > len(suffix) + 3:
            return token[: -len(suffix)]
    return token


@cache
def _sastrawi() -> Stemmer:
    # Imported on first use: a process that answers no question (the sender, `asnbot admin`)
    # does not hold the 30,000-word dictionary. Sastrawi's factory wraps the stemmer in a cache
    # that never forgets a word; ours is bounded.
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


def is_root_word(word: str) -> bool:
    """Whether Sastrawi's dictionary holds the word as it is ("bandung" is not a typo)."""
    return bool(_sastrawi().dictionary.contains(word))


@lru_cache(maxsize=16_384)
def _sastrawi_root(word: str) -> str:
    return str(_sastrawi().stem_word(word)) or word


def root(word: str, roots: Mapping[str, str]) -> str:
    """The word's root by Sastrawi (kenaikan → naik, dipindahkan → pindah), unless the lexicon
    fixes it; short words, numbers and ranks ("iii/a") only lose their particles."""
    if (fixed := roots.get(word)) is not None:
        return fixed
    if len(word) < 5 or not word.isalpha():
        return stem(word)
    return _sastrawi_root(word)


def rewrite(text: str, lexicon: Lexicon) -> str:
    """The cleaned text with phrases and words replaced by what they mean."""
    return rewrite_cleaned(clean(text), lexicon)


def rewrite_cleaned(cleaned: str, lexicon: Lexicon) -> str:
    """``rewrite`` for a text already cleaned."""
    cleaned = f" {cleaned} "
    for phrase, pattern, meaning in lexicon.phrases:
        # The phrase must occur before its pattern can match; the substring test is much
        # cheaper than the regular expression, and most phrases occur in no question.
        if phrase in cleaned:
            cleaned = pattern.sub(meaning, cleaned)
    words = [lexicon.words.get(w, lexicon.words.get(stem(w), w)) for w in cleaned.split()]
    return " ".join(w for w in " ".join(words).split())


def tokens(text: str, lexicon: Lexicon) -> list[str]:
    """Search tokens: rewritten, reduced to roots, without stopwords."""
    return search_roots(rewrite(text, lexicon), lexicon)


def search_roots(rewritten: str, lexicon: Lexicon) -> list[str]:
    """The roots of a rewritten text's words, stopwords left out before and after."""
    stop = lexicon.stopwords | lexicon.english_stopwords
    roots = (root(w, lexicon.roots) for w in rewritten.split() if w not in stop)
    return [r for r in roots if r not in stop]


def looks_english(cleaned: str, lexicon: Lexicon) -> bool:
    """A cleaned text with more English than Indonesian function words (ties go to Indonesian)."""
    words = cleaned.split()
    english = sum(w in lexicon.english_stopwords for w in words)
    indonesian = sum(w in lexicon.stopwords or w in lexicon.words for w in words)
    return english > indonesian


def without_places(tokens: list[str], lexicon: Lexicon) -> list[str]:
    """Search tokens without the regency or city a person names as where they work ("sy guru
    di Bungo"): a place is context, and entries whose examples name places should not win on
    it. The kind of government stays when the question is about moving ("pindah ke Bungo" is
    a move between regencies); it goes too when nothing moves. A question of places alone
    ("bkpsdm bungo") keeps them."""
    if not lexicon.places.intersection(tokens):
        return tokens
    moving = not MOVING.isdisjoint(tokens)
    kept = [t for t in tokens if t not in lexicon.places and (moving or t not in GOVERNMENTS)]
    return kept if len(kept) >= 2 else tokens
