"""Time per question: the real knowledge base, then generated bases of growing size.

Run: .venv/bin/python -m benchmarks.latency
Reports median and p99 per question, and each size's median as a ratio of the real base's, all
measured in the same run (shared machines are noisy: compare ratios, not absolute times). Plain
rapidfuzz WRatio over every example question is timed alongside as the linear-scan baseline.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

from rapidfuzz import fuzz, process

from benchmarks.devset import load
from bot.knowledge.answering import Knowledge, Thresholds
from bot.knowledge.kb import Entry
from bot.knowledge.normalize import Lexicon
from bot.knowledge.search import SearchIndex

SIZES = (1000, 2500, 5000)
ROUNDS = 3


def generated_entries(real: tuple[Entry, ...], size: int, seed: int = 7) -> list[Entry]:
    """The real entries plus synthetic ones whose questions mix the real vocabulary."""
    rng = random.Random(seed)
    words = sorted({w for e in real for q in e.questions for w in q.lower().split()})
    extra = []
    for number in range(size - len(real)):
        template = real[number % len(real)]
        questions = tuple(" ".join(rng.choices(words, k=rng.randint(5, 10))) for _ in range(5))
        keywords = tuple(" ".join(rng.choices(words, k=2)) for _ in range(3))
        extra.append(replace(template, id=f"gen-{number}", questions_id=questions[:2],
                             informal_id=questions[2:4], questions_en=questions[4:],
                             keywords=keywords, related=()))  # fmt: skip
    return [*real, *extra]


def timings(ask: Callable[[str], object], questions: list[str]) -> list[float]:
    """Milliseconds per question, over ROUNDS rounds."""
    out = []
    for _ in range(ROUNDS):
        for question in questions:
            start = time.perf_counter()
            ask(question)
            out.append((time.perf_counter() - start) * 1000)
    return out


def summary(values: list[float]) -> tuple[float, float]:
    """Median and 99th percentile."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def baseline(entries: list[Entry]) -> Callable[[str], object]:
    """Plain rapidfuzz over every example question: a linear scan."""
    texts = [q for e in entries for q in e.questions]
    return lambda question: process.extractOne(question, texts, scorer=fuzz.WRatio)


def main() -> None:
    questions = [item.question for item in load()]
    knowledge = Knowledge(Thresholds())
    real = knowledge.base.entries
    lexicon = Lexicon.load()
    full_median, full_p99 = summary(timings(knowledge.ask, questions))
    base_median, base_p99 = summary(timings(SearchIndex(real, lexicon).search, questions))
    scan_median, _ = summary(timings(baseline(list(real)), questions))
    rows = [
        ("real base, full answer (refusals + search)", len(real), full_median, full_p99, "-"),
        ("real base, search", len(real), base_median, base_p99, f"{scan_median:.2f}"),
    ]
    for size in SIZES:
        entries = generated_entries(real, size)
        median, p99 = summary(timings(SearchIndex(entries, lexicon).search, questions))
        scan, _ = summary(timings(baseline(entries), questions))
        rows.append((f"generated, search ({median / base_median:.1f}x real)", size, median, p99,
                     f"{scan:.2f}"))  # fmt: skip
    print(f"{len(questions)} development-set questions x {ROUNDS} rounds\n")
    print("| base | entries | median ms | p99 ms | baseline WRatio scan, median ms |")
    print("|---|---|---|---|---|")
    for name, count, median, p99, scan_text in rows:
        print(f"| {name} | {count} | {median:.2f} | {p99:.2f} | {scan_text} |")


if __name__ == "__main__":
    main()
