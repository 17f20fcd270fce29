"""Fuzzy search over the knowledge base, with scores one can explain.

Three signals are combined: how much of the question's weight (IDF) the entry's vocabulary covers,
how close the question is to the entry's best example question (rapidfuzz), and whether an entry
keyword appears whole. An entry matched by several signals beats one lucky phrase.

Only entries sharing a token with the question are scored (an inverted index), so the work grows
with the entries that could match, not with the size of the base.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul
from typing import Any

from rapidfuzz import fuzz, process

from bot.knowledge.kb import Entry, rendered_text
from bot.knowledge.normalize import Lexicon, tokens
from bot.knowledge.query import Query

WEIGHTS = {"coverage": 0.2, "answer": 0.05, "fuzzy": 0.3, "keyword": 0.05, "ngram": 0.4}
CANDIDATES = 15
TYPO_CUTOFF = 82
GRAM_DECIMALS = 4  # n-gram weights are rounded to this many decimals
COMMON_GRAMS = 0.3  # share of the entries from which an n-gram is too common to count


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float  # 0-100
    parts: dict[str, float] = field(default_factory=dict)
    best_question: str = ""


@dataclass(frozen=True)
class _Doc:
    entry_id: str
    questions: tuple[str, ...]  # token strings of the example questions
    sorted_questions: tuple[str, ...]  # the same with their tokens sorted, for token_sort_ratio
    originals: tuple[str, ...]
    keywords: tuple[tuple[str, ...], ...]


class SearchIndex:
    """Built once per knowledge-base version; immutable afterwards."""

    def __init__(self, entries: Iterable[Entry], lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.docs: list[_Doc] = []
        postings: dict[str, set[int]] = defaultdict(set)
        answer_postings: dict[str, set[int]] = defaultdict(set)
        grams: list[dict[str, float]] = []
        for number, entry in enumerate(entries):
            doc, doc_grams, vocabulary, answer_vocabulary = self._doc(entry)
            self.docs.append(doc)
            grams.append(doc_grams)
            for token in vocabulary:
                postings[token].add(number)
            for token in answer_vocabulary:
                answer_postings[token].add(number)
        self._index_grams(grams)
        # Sorted tuples, not sets: they are only iterated, and take a quarter of the memory.
        self.postings = {t: tuple(sorted(ids)) for t, ids in postings.items()}
        self.answer_postings = {t: tuple(sorted(ids)) for t, ids in answer_postings.items()}
        total = max(len(self.docs), 1)
        every = set(self.postings) | set(self.answer_postings)
        self.idf = {
            t: math.log(1 + total / len(self.postings.get(t, ()) or self.answer_postings[t]))
            for t in every
        }
        # Sorted: a typo equally close to two words gets the same one in every process (a
        # set's order changes with each process's string hashes, and with the cached index).
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for token in sorted(every):
            self._by_initial[token[0]].append(token)

    def _doc(self, entry: Entry) -> tuple[_Doc, dict[str, float], set[str], set[str]]:
        """The entry's searchable texts, its n-grams, and its question and answer words."""
        questions = (*entry.questions, entry.title_id, entry.title_en)
        token_lists = [tokens(q, self.lexicon) for q in questions]
        keywords = tuple(tuple(tokens(k, self.lexicon)) for k in entry.keywords)
        vocabulary = {t for ts in token_lists for t in ts} | {t for k in keywords for t in k}
        answers = f"{rendered_text(entry.answer_id)} {rendered_text(entry.answer_en)}"
        doc = _Doc(
            entry.id,
            tuple(" ".join(ts) for ts in token_lists),
            tuple(" ".join(sorted(ts)) for ts in token_lists),
            questions,
            tuple(k for k in keywords if k),
        )
        answer_words = set(tokens(answers, self.lexicon))
        return doc, _gram_counts(token_lists, keywords), vocabulary, answer_words

    def _index_grams(self, grams: list[dict[str, float]]) -> None:
        """TF-IDF weights of each entry's character n-grams, L2-normalised."""
        seen: dict[str, int] = defaultdict(int)
        for doc_grams in grams:
            for gram in doc_grams:
                seen[gram] += 1
        total = max(len(self.docs), 1)
        # An n-gram in more than COMMON_GRAMS of the entries (" ke", "an ") tells them apart
        # little and is a quarter of all the weights the index holds: left out on both sides.
        self.gram_idf = {
            g: math.log(1 + total / n) for g, n in seen.items() if n <= COMMON_GRAMS * total
        }
        for number, doc_grams in enumerate(grams):
            grams[number] = {g: c for g, c in doc_grams.items() if g in self.gram_idf}
            _normalise(grams[number], self.gram_idf)
        # Looked up per candidate: 25 entries x ~50 grams of a question are cheap dict reads,
        # where walking postings of common grams would touch thousands of numbers.
        self.grams = _shared_weights(grams)

    def __getstate__(self) -> dict[str, Any]:
        """For the cache: each n-gram weight as a number into one table of the distinct
        weights, as pickle would read every float back as an object of its own."""
        state = self.__dict__.copy()
        values = sorted({w for doc_grams in self.grams for w in doc_grams.values()})
        number = {w: i for i, w in enumerate(values)}
        state["grams"] = (values, [
            (tuple(doc_grams), array("I", map(number.__getitem__, doc_grams.values())).tobytes())
            for doc_grams in self.grams
        ])  # fmt: skip
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        values, docs = state.pop("grams")
        self.__dict__.update(state)
        self.grams = []
        for keys, raw in docs:
            numbers = array("I")
            numbers.frombytes(raw)
            self.grams.append(dict(zip(keys, map(values.__getitem__, numbers), strict=True)))

    def _gram_similarity(self, number: int, query: dict[str, float]) -> float:
        """The cosine of the query's n-grams with the entry's (summed in C by map)."""
        lookup = self.grams[number].get
        return float(sum(map(mul, query.values(), map(lookup, query.keys(), repeat(0.0)))))

    def known(self, token: str) -> str:
        """The token, or the indexed word it is a typo of."""
        if token in self.idf or len(token) < 4 or token.isdigit():
            return token
        if token.endswith("o") and token[:-1] + "a" in self.idf:
            return token[:-1] + "a"  # Jambi Malay: "pertamo", "tuo" for "pertama", "tua"
        found = process.extractOne(
            token, self._by_initial.get(token[0], []), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        return found[0] if found else token

    def search(self, question: Query, limit: int = 5) -> list[Match]:
        """The best matches, highest score first."""
        query = list(question.tokens)
        if not query:
            return []
        weights = {t: self.idf.get(t, self._unknown_idf()) for t in set(query)}
        total = sum(weights.values())
        coverage: dict[int, float] = defaultdict(float)
        answer: dict[int, float] = defaultdict(float)
        for token in set(query):
            for number in self.postings.get(token, ()):
                coverage[number] += weights[token] / total
            for number in self.answer_postings.get(token, ()):
                answer[number] += weights[token] / total
        first = {n: coverage[n] + 0.4 * answer[n] for n in set(coverage) | set(answer)}
        best = sorted(first, key=first.__getitem__, reverse=True)[:CANDIDATES]
        grams = {g: c for g, c in _gram_counts([query], ()).items() if g in self.gram_idf}
        _normalise(grams, self.gram_idf)
        fuzzy = self._fuzzy(query, best)
        matches = [
            self._score(self.docs[n], query, coverage[n], answer[n],
                        self._gram_similarity(n, grams), fuzzy[n])
            for n in best
        ]  # fmt: skip
        return sorted(matches, key=lambda m: m.score, reverse=True)[:limit]

    def _fuzzy(self, query: list[str], wanted: list[int]) -> dict[int, list[float]]:
        """Each wanted entry's example questions scored against the question: the mean of
        rapidfuzz's token-set and token-sort ratios. Token-sort is a plain ratio of the sorted
        tokens, which the index keeps sorted, so only the question's are sorted here."""
        docs = [self.docs[n] for n in wanted]
        choices = [q for doc in docs for q in doc.questions]
        combined = [0.0] * len(choices)
        scored = process.extract_iter(" ".join(query), choices, scorer=fuzz.token_set_ratio)
        for _choice, score, index in scored:
            combined[index] = 0.5 * score
        presorted = [q for doc in docs for q in doc.sorted_questions]
        scored = process.extract_iter(" ".join(sorted(query)), presorted, scorer=fuzz.ratio)
        for _choice, score, index in scored:
            combined[index] += 0.5 * score
        out: dict[int, list[float]] = {}
        start = 0
        for number in wanted:
            count = len(self.docs[number].questions)
            out[number] = combined[start : start + count]
            start += count
        return out

    def _unknown_idf(self) -> float:
        return math.log(1 + max(len(self.docs), 1)) * 0.6

    def _score(
        self,
        doc: _Doc,
        query: list[str],
        coverage: float,
        answer: float,
        ngram: float,
        scores: list[float],
    ) -> Match:
        top = max(range(len(scores)), key=scores.__getitem__)
        keyword = _keyword_hit(doc.keywords, set(query))
        parts = {
            "coverage": coverage,
            "answer": answer,
            "fuzzy": scores[top] / 100,
            "keyword": keyword,
            "ngram": ngram,
        }
        score = 100 * sum(WEIGHTS[k] * v for k, v in parts.items())
        return Match(doc.entry_id, round(score, 2), parts, doc.originals[top])


def _gram_counts(
    token_lists: Iterable[list[str]], keywords: Iterable[tuple[str, ...]]
) -> dict[str, float]:
    """Character 3- and 4-grams of every word (typos and affixes share most of them)."""
    counts: dict[str, float] = defaultdict(float)
    words = [w for ts in token_lists for w in ts] + [w for k in keywords for w in k]
    for word in words:
        padded = f" {word} "
        for size in (3, 4):
            for start in range(len(padded) - size + 1):
                # Interned: the ~9,000 distinct grams are shared by all entries' tables (and by
                # the pickled cache) instead of ~90,000 copies.
                counts[sys.intern(padded[start : start + size])] += 1
    return dict(counts)


def _shared_weights(grams: list[dict[str, float]]) -> list[dict[str, float]]:
    """The weights rounded to ``GRAM_DECIMALS`` (no answer of the development set or of the
    independent set changed), so that most are equal: one float object per value instead of
    one per entry and n-gram (2.5 MiB)."""
    shared: dict[float, float] = {}
    for doc_grams in grams:
        for gram, weight in doc_grams.items():
            rounded = round(weight, GRAM_DECIMALS)
            doc_grams[gram] = shared.setdefault(rounded, rounded)
    return grams


def _normalise(grams: dict[str, float], idf: dict[str, float]) -> None:
    for gram, count in grams.items():
        grams[gram] = (1 + math.log(count)) * idf.get(gram, 0.0)
    norm = math.sqrt(sum(v * v for v in grams.values())) or 1.0
    for gram in grams:
        grams[gram] /= norm


def _keyword_hit(keywords: tuple[tuple[str, ...], ...], query: set[str]) -> float:
    """1.0 for a whole multi-word keyword in the question, 0.6 for a single-word one."""
    best = 0.0
    for keyword in keywords:
        if set(keyword) <= query:
            best = max(best, 1.0 if len(keyword) > 1 else 0.6)
    return best
