"""Questions the bot declines: others' data, politics, predictions, shortcuts, accounts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.config import CONTENT_DIR
from bot.knowledge.query import Query

REFUSALS_FILE = CONTENT_DIR / "refusals.toml"
UNRELATED = "unrelated"


@dataclass(frozen=True)
class Category:
    name: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Refusals:
    categories: tuple[Category, ...]

    @classmethod
    def load(cls, path: Path = REFUSALS_FILE) -> Refusals:
        """Read and compile the refusal patterns."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(
                Category(
                    c["name"],
                    tuple(re.compile(p) for p in c["patterns"]),
                    tuple(re.compile(p) for p in c.get("unless", ())),
                )
                for c in data["category"]
            )
        )

    @property
    def names(self) -> tuple[str, ...]:
        """Every refusal category, including the implicit "unrelated"."""
        return tuple(dict.fromkeys((*(c.name for c in self.categories), UNRELATED)))

    def match(self, query: Query) -> tuple[str, str] | None:
        """The category and the pattern that declines this question, if any."""
        # Both as typed (cleaned) and as rewritten: English patterns read the words people typed.
        texts = query.texts
        for category in self.categories:
            if any(p.search(t) for p in category.unless for t in texts):
                continue
            for pattern in category.patterns:
                if any(pattern.search(t) for t in texts):
                    return category.name, pattern.pattern
        return None
