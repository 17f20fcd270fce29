"""The development set: real-style questions with the entries that answer them (or "refused")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.kb import KnowledgeBase

DEVSET = Path(__file__).resolve().parent / "data" / "devset.jsonl"
REFUSED = "refused"


@dataclass(frozen=True)
class Item:
    question: str
    expected: tuple[str, ...]  # acceptable entry ids, or ("refused",)
    kind: str

    @property
    def out_of_scope(self) -> bool:
        return self.expected == (REFUSED,)


def resolved(items: list[Item], base: KnowledgeBase) -> list[Item]:
    """The expected ids read through merged entries (``replaces``)."""
    return [Item(i.question, current_ids(i.expected, base), i.kind) for i in items]


def current_ids(ids: tuple[str, ...], base: KnowledgeBase) -> tuple[str, ...]:
    """Each id as the entry now holding it: a merged entry's old id becomes its new one."""
    return tuple(dict.fromkeys(e.id if (e := base.get(i)) else i for i in ids))


def load(path: Path = DEVSET) -> list[Item]:
    """Every question of the development set."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            expected = raw["expected"]
            expected = (expected,) if isinstance(expected, str) else tuple(expected)
            items.append(Item(raw["question"], expected, raw.get("kind", "")))
    return items
