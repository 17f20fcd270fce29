"""The independent question set: written by people who never saw the entries, labelled before the
bot answered them, and split once at random into a tuning half and a frozen test half.

Only the tuning half may be looked at while improving the search. The test half is never edited:
``tests/test_independent.py`` checks its hash against FROZEN_SHA256, and ``--errors`` lists the
tuning half's mistakes only.

Run: .venv/bin/python -m benchmarks.independent [--errors]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from benchmarks.devset import current_ids
from bot.career.self_questions import personal_command
from bot.config import load_config
from bot.knowledge import asking
from bot.knowledge.answering import AMBIGUOUS, ANSWERED, NO_MATCH, Knowledge
from bot.knowledge.answering import REFUSED as REFUSED_STATUS
from bot.knowledge.answering import SMALLTALK as SMALLTALK_STATUS
from bot.knowledge.kb import KnowledgeBase
from bot.sensitive import looks_secret

DATA = Path(__file__).resolve().parent / "data"
TUNE = DATA / "independent_tune.jsonl"
TEST = DATA / "independent_test.jsonl"
# A second round (2026-12-04): four new writers and labellers, split the same way (seed 13). Its
# tuning half is looked at; its test half is frozen like the first.
TUNE2 = DATA / "independent2_tune.jsonl"
TEST2 = DATA / "independent2_test.jsonl"
# Written after the freeze, blind to the bot's answers: for questions labelled "handoff" (no entry
# answered them then), whether an entry written since answers them. Only "handoff" labels change.
RELABELS = DATA / "independent_relabels.jsonl"
RELABELS2 = DATA / "independent2_relabels.jsonl"  # the same for the second round
FROZEN_SHA256 = "ae9f6d286d9ea2f3ff0fa329d7df457a1370787f5a4ecf64c7ff12c4f030ba90"
FROZEN2_SHA256 = "a9a54ae96e3d6fa206d75a5e92b622fdd11c5d3f554b612bc57ec32909cb9e55"
HALVES = {"tuning half": TUNE, "frozen test half": TEST,
          "round 2 tuning": TUNE2, "round 2 frozen": TEST2}  # fmt: skip
TUNING = ("tuning half", "round 2 tuning")
# The labels that are not entry ids.
REFUSED, SMALLTALK, HANDOFF, PERSONAL = "refused", "smalltalk", "handoff", "personal"


@dataclass(frozen=True)
class Item:
    question: str
    expected: tuple[str, ...]  # entry ids (best first), or one of the labels above
    also: tuple[str, ...]  # a two-part question's other answer
    command: str | None  # for PERSONAL: the personal command that answers it
    style: str
    topic: str
    intent: str

    @property
    def kind(self) -> str:
        """ "entry", or the label: refused, smalltalk, handoff, personal."""
        first = self.expected[0]
        return first if first in (REFUSED, SMALLTALK, HANDOFF, PERSONAL) else "entry"


def load(path: Path) -> list[Item]:
    """Every question of one half (with the later labels of RELABELS applied)."""
    later = _relabels()
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            if raw["expected"] == [HANDOFF] and raw["question"] in later:
                raw["expected"] = later[raw["question"]]
            items.append(
                Item(
                    raw["question"],
                    tuple(raw["expected"]),
                    tuple(raw.get("also", ())),
                    raw.get("personal_command"),
                    raw.get("style", ""),
                    raw.get("topic", ""),
                    raw.get("intent", ""),
                )
            )
    return items


def resolved(items: list[Item], base: KnowledgeBase) -> list[Item]:
    """The labels read through merged entries (``replaces``): the files stay as written."""
    return [replace(i, expected=current_ids(i.expected, base), also=current_ids(i.also, base))
            for i in items]  # fmt: skip


def _relabels() -> dict[str, list[str]]:
    rows = [
        json.loads(line)
        for path in (RELABELS, RELABELS2)
        if path.exists()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    return {row["question"]: row["expected"] for row in rows}


@dataclass(frozen=True)
class Outcome:
    status: str
    entry: str | None
    second: str | None  # a two-part question's second answer
    command: str | None  # the personal command a linked user would be routed to
    seconds: float
    tentative: bool = False  # answered with a word that it may not be what was meant


@dataclass(frozen=True)
class Figures:
    count: int
    direct_right: float  # of questions an entry or a personal answer answers
    maksud_anda: float  # of all questions
    confident_wrong: float  # of all questions
    hedged_right: float  # of all questions: a tentative answer with the right entry
    hedged_wrong: float  # of all questions: a tentative answer with an entry that does not answer
    out_of_scope_declined: float  # refused, or offered to a person
    handoff_offered: float  # no entry answers it: offered to a person, not answered or refused
    smalltalk: float
    both_parts: float  # two-part questions with both answers given
    p99_ms: float
    wrong: list[tuple[Item, Outcome]]


def right(item: Item, o: Outcome) -> bool:
    """Whether the bot did the right thing with this question."""
    kind = item.kind
    if kind == "entry":
        return o.status == ANSWERED and o.entry in item.expected + item.also
    if kind == PERSONAL:
        return o.command == item.command
    if kind == REFUSED:
        return o.status in (REFUSED_STATUS, NO_MATCH)
    if kind == SMALLTALK:
        return o.status == SMALLTALK_STATUS
    return o.status in (NO_MATCH, AMBIGUOUS)  # HANDOFF: both offer a person


def answered_wrong(item: Item, o: Outcome) -> bool:
    """An answer with an entry that does not answer the question."""
    if o.status != ANSWERED or (item.kind == PERSONAL and o.command == item.command):
        return False
    return o.entry not in item.expected + item.also


def confidently_wrong(item: Item, o: Outcome) -> bool:
    """A direct answer, not hedged, with an entry that does not answer the question."""
    return not o.tentative and answered_wrong(item, o)


def figures(items: list[Item], outcomes: list[Outcome]) -> Figures:
    pairs = list(zip(items, outcomes, strict=True))

    def share(kinds: tuple[str, ...], test: Callable[[Item, Outcome], bool]) -> float:
        chosen = [(i, o) for i, o in pairs if i.kind in kinds]
        return sum(test(i, o) for i, o in chosen) / len(chosen) if chosen else 1.0

    two_part = [(i, o) for i, o in pairs if i.kind == "entry" and i.also]
    both = sum(o.status == ANSWERED and bool({o.entry, o.second} & set(i.expected))
               and bool({o.entry, o.second} & set(i.also)) for i, o in two_part)  # fmt: skip
    times = sorted(o.seconds for o in outcomes)
    return Figures(
        count=len(items),
        direct_right=share(("entry", PERSONAL), right),
        maksud_anda=sum(o.status == AMBIGUOUS for o in outcomes) / len(items),
        confident_wrong=sum(confidently_wrong(i, o) for i, o in pairs) / len(items),
        hedged_right=sum(o.tentative and right(i, o) for i, o in pairs) / len(items),
        hedged_wrong=sum(o.tentative and answered_wrong(i, o) for i, o in pairs) / len(items),
        out_of_scope_declined=share((REFUSED,), right),
        handoff_offered=share((HANDOFF,), right),
        smalltalk=share((SMALLTALK,), right),
        both_parts=both / len(two_part) if two_part else 1.0,
        p99_ms=1000 * times[min(len(times) - 1, int(0.99 * len(times)))],
        wrong=[(i, o) for i, o in pairs if not right(i, o)],
    )


def run(knowledge: Knowledge, items: list[Item]) -> list[Outcome]:
    """Ask every question as a user would (fresh, no answer cache), timing each."""
    outcomes = []
    for item in items:
        if looks_secret(item.question):  # the chat handler warns before any search
            outcomes.append(Outcome(REFUSED_STATUS, None, None, None, 0.0))
            continue
        start = time.perf_counter()
        query = knowledge.understand(item.question)
        result = knowledge.ask_uncached(query)
        command = personal_command(query)
        seconds = time.perf_counter() - start
        second = result.second.id if result.second else None
        entry = result.entry.id if result.entry and result.status != REFUSED_STATUS else None
        outcomes.append(Outcome(result.status, entry, second, command, seconds, result.tentative))
    return outcomes


TARGETS = {"direct_right": 0.90, "maksud_anda": 0.10, "confident_wrong": 0.02,
           "out_of_scope_declined": 0.95, "p99_ms": 5.0}  # fmt: skip


def table(halves: dict[str, Figures]) -> str:
    rows = [
        ("answered directly and right", "direct_right", "≥ 90 %"),
        ('"Maksud Anda" menus', "maksud_anda", "≤ 10 %"),
        ("confidently wrong", "confident_wrong", "≤ 2 %"),
        ("hedged answer, right (in the first row)", "hedged_right", "-"),
        ("hedged answer, wrong", "hedged_wrong", "-"),
        ("out of scope refused or handed off", "out_of_scope_declined", "≥ 95 %"),
        ("no entry: offered to a person", "handoff_offered", "-"),
        ("small talk recognised", "smalltalk", "-"),
        ("two-part: both answers", "both_parts", "-"),
    ]
    names = list(halves)
    header = " | ".join(f"{n} ({halves[n].count})" for n in names)
    lines = [f"| measure | {header} | target |", "|---" * (len(names) + 2) + "|"]
    for label, key, target in rows:
        cells = " | ".join(f"{100 * getattr(halves[n], key):.1f} %" for n in names)
        lines.append(f"| {label} | {cells} | {target} |")
    cells = " | ".join(f"{halves[n].p99_ms:.2f} ms" for n in names)
    lines.append(f"| p99 per question | {cells} | ≤ 5 ms |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="the tuning halves' mistakes")
    parser.add_argument("--tuning", action="store_true", help="only the tuning halves")
    args = parser.parse_args()
    knowledge, _ = asking.load(load_config())
    halves = {}
    for name, path in HALVES.items():
        if args.tuning and name not in TUNING:
            continue
        items = resolved(load(path), knowledge.base)
        run(knowledge, items)  # warm the caches a long-running bot has
        halves[name] = figures(items, run(knowledge, items))
    print(table(halves))
    if args.errors:
        for item, o in [pair for name in TUNING for pair in halves[name].wrong]:
            want = "|".join(item.expected) + (f" +{'|'.join(item.also)}" if item.also else "")
            got = o.entry or o.command or "-"
            print(f"{o.status:9} got {got}{' +' + o.second if o.second else ''} want {want}: "
                  f"{item.question}")  # fmt: skip


if __name__ == "__main__":
    main()
