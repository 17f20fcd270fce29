"""Answer quality on the development set, against plain rapidfuzz WRatio as a baseline.

Run: .venv/bin/python -m benchmarks.accuracy [--errors]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from benchmarks.devset import Item, load, resolved
from bot.config import load_config
from bot.knowledge import asking
from bot.knowledge.answering import AMBIGUOUS, ANSWERED, REFUSED, Knowledge

TARGETS = {"top1": 0.92, "confident_wrong": 0.02, "refusal_recall": 0.95}
BASELINE_CONFIDENT = 85.0


@dataclass(frozen=True)
class Outcome:
    status: str
    best: str | None
    tentative: bool = False  # answered with a word that it may not be what was meant


@dataclass(frozen=True)
class Report:
    name: str
    top1: float
    confident_wrong: float
    ambiguous: float
    refusal_precision: float
    refusal_recall: float
    errors: list[tuple[Item, Outcome]]


def evaluate(name: str, items: list[Item], answer: Callable[[str], Outcome]) -> Report:
    """Score one system over the items."""
    outcomes = [(item, answer(item.question)) for item in items]
    right = [_correct(i, o) for i, o in outcomes]
    confident_wrong = [
        o.status == ANSWERED and not o.tentative and not c
        for (i, o), c in zip(outcomes, right, strict=True)
    ]
    refused = [o.status == REFUSED for _, o in outcomes]
    truly_out = [i.out_of_scope for i, _ in outcomes]
    both = sum(r and t for r, t in zip(refused, truly_out, strict=True))
    return Report(
        name=name,
        top1=sum(right) / len(items),
        confident_wrong=sum(confident_wrong) / len(items),
        ambiguous=sum(o.status == AMBIGUOUS for _, o in outcomes) / len(items),
        refusal_precision=both / sum(refused) if sum(refused) else 0.0,
        refusal_recall=both / sum(truly_out) if sum(truly_out) else 0.0,
        errors=[(i, o) for (i, o), c in zip(outcomes, right, strict=True) if not c],
    )


def _correct(item: Item, outcome: Outcome) -> bool:
    if item.out_of_scope:
        return outcome.status == REFUSED
    return outcome.status != REFUSED and outcome.best in item.expected


def ours(knowledge: Knowledge) -> Callable[[str], Outcome]:
    def answer(question: str) -> Outcome:
        result = knowledge.ask(question)
        best = result.matches[0].entry_id if result.matches else None
        return Outcome(result.status, best if result.status != REFUSED else None, result.tentative)

    return answer


def baseline(knowledge: Knowledge) -> Callable[[str], Outcome]:
    """Plain rapidfuzz: WRatio of the raw question against every example question."""
    choices = [(q, e.id) for e in knowledge.base.entries for q in e.questions]
    texts = [q for q, _ in choices]

    def answer(question: str) -> Outcome:
        found = process.extractOne(
            question, texts, scorer=fuzz.WRatio, processor=utils.default_process
        )
        if found is None:
            return Outcome("no_match", None)
        status = ANSWERED if found[1] >= BASELINE_CONFIDENT else AMBIGUOUS
        return Outcome(status, choices[found[2]][1])

    return answer


def table(reports: list[Report], count: int, out_of_scope: int) -> str:
    lines = [
        f"Development set: {count} questions ({out_of_scope} out of scope)",
        "",
        "| system | top-1 | confident wrong | ambiguous | refusal precision | refusal recall |",
        "|---|---|---|---|---|---|",
    ]
    for r in reports:
        lines.append(
            f"| {r.name} | {r.top1:.1%} | {r.confident_wrong:.1%} | {r.ambiguous:.1%} | "
            f"{r.refusal_precision:.1%} | {r.refusal_recall:.1%} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list the questions we got wrong")
    args = parser.parse_args()
    knowledge, _ = asking.load(load_config())
    items = resolved(load(), knowledge.base)
    reports = [evaluate("asnbot", items, ours(knowledge)),
               evaluate("baseline WRatio", items, baseline(knowledge))]  # fmt: skip
    print(table(reports, len(items), sum(i.out_of_scope for i in items)))
    if args.errors:
        for item, outcome in reports[0].errors:
            want = "|".join(item.expected)
            print(f"{outcome.status:9} got {outcome.best} want {want}: {item.question}")


if __name__ == "__main__":
    main()
