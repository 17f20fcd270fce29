"""Time per question: the real knowledge base, then generated bases of growing size.

Run: .venv/bin/python -m benchmarks.latency
Reports median and p99 per question, and for each size the median over questions of its time
divided by the real base's on the same question. Systems are timed interleaved (each question put
to all of them back to back), so a noisy moment of a shared machine falls on all alike. Plain
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
from bot.knowledge.query import understand
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


def interleaved(
    systems: dict[str, Callable[[str], object]], questions: list[str]
) -> dict[str, list[float]]:
    """Milliseconds per question for every system, over ROUNDS rounds.

    Each question is put to every system back to back, in an order that rotates, so a slow
    moment of a shared machine falls on all systems alike instead of on whichever ran then.
    """
    names = list(systems)
    out: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(ROUNDS):
        for number, question in enumerate(questions):
            shift = (number + round_number) % len(names)
            for name in names[shift:] + names[:shift]:
                start = time.perf_counter()
                systems[name](question)
                out[name].append((time.perf_counter() - start) * 1000)
    return out


def ratio(values: list[float], reference: list[float]) -> float:
    """The median over questions of this system's time divided by the reference's."""
    return statistics.median(v / r for v, r in zip(values, reference, strict=True))


def summary(values: list[float]) -> tuple[float, float]:
    """Median and 99th percentile."""
    ordered = sorted(values)
    return statistics.median(ordered), ordered[max(int(len(ordered) * 0.99) - 1, 0)]


def baseline(entries: list[Entry]) -> Callable[[str], object]:
    """Plain rapidfuzz over every example question: a linear scan."""
    texts = [q for e in entries for q in e.questions]
    return lambda question: process.extractOne(question, texts, scorer=fuzz.WRatio)


def searcher(index: SearchIndex) -> Callable[[str], object]:
    """The index's search of a question as typed (normalising it is part of the work)."""
    return lambda question: index.search(understand(question, index.lexicon, index.known))


def main() -> None:
    questions = [item.question for item in load()]
    knowledge = Knowledge(Thresholds())
    real = knowledge.base.entries
    lexicon = Lexicon.load()
    systems: dict[str, Callable[[str], object]] = {
        "full": knowledge.ask_uncached,
        "search": searcher(SearchIndex(real, lexicon)),
        "scan": baseline(list(real)),
    }
    for size in SIZES:
        entries = generated_entries(real, size)
        systems[f"search{size}"] = searcher(SearchIndex(entries, lexicon))
        systems[f"scan{size}"] = baseline(entries)
    times = interleaved(systems, questions)
    reference = times["search"]
    rows = [("real base, full answer (refusals + search)", len(real), "full", "-")]
    rows.append(("real base, search", len(real), "search", "scan"))
    rows += [(f"generated, search ({size:,} entries)", size, f"search{size}", f"scan{size}")
             for size in SIZES]  # fmt: skip
    print(f"{len(questions)} development-set questions x {ROUNDS} rounds, interleaved\n")
    print(
        "| base | entries | median ms | p99 ms | median of ratios to the real base's search "
        "| baseline WRatio scan, median ms | scan, median of ratios |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, count, key, scan in rows:
        median, p99 = summary(times[key])
        scan_text = f"{summary(times[scan])[0]:.2f}" if scan != "-" else "-"
        scan_ratio = f"{ratio(times[scan], times['scan']):.1f}x" if scan != "-" else "-"
        print(f"| {name} | {count:,} | {median:.2f} | {p99:.2f} | "
              f"{ratio(times[key], reference):.1f}x | {scan_text} | {scan_ratio} |")  # fmt: skip


if __name__ == "__main__":
    main()
