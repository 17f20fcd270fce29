"""The development set: real-style questions with the entries that answer them (or "refused")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

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
