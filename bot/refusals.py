"""Questions the bot declines: others' data, politics, predictions, shortcuts, accounts."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.catalog import CONTENT_DIR
from bot.normalize import Lexicon, rewrite

REFUSALS_FILE = CONTENT_DIR / "refusals.toml"
UNRELATED = "unrelated"


@dataclass(frozen=True)
class Refusals:
    categories: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]

    @classmethod
    def load(cls, path: Path = REFUSALS_FILE) -> Refusals:
        """Read and compile the refusal patterns."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(
            tuple(
                (c["name"], tuple(re.compile(p) for p in c["patterns"])) for c in data["category"]
            )
        )

    @property
    def names(self) -> tuple[str, ...]:
        return (*(name for name, _ in self.categories), UNRELATED)

    def match(self, question: str, lexicon: Lexicon) -> tuple[str, str] | None:
        """The category and the pattern that declines this question, if any."""
        text = f" {rewrite(question, lexicon)} "
        for name, patterns in self.categories:
            for pattern in patterns:
                if pattern.search(text):
                    return name, pattern.pattern
        return None
