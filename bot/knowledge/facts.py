"""Facts stated in a question ("sy PNS baru 3 thn … mau pindah") that decide the answer."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from bot.config import CONTENT_DIR
from bot.knowledge.query import Query


@dataclass(frozen=True)
class Rule:
    name: str
    when: tuple[re.Pattern[str], ...]
    prefer: str


@cache
def rules() -> tuple[Rule, ...]:
    with (CONTENT_DIR / "facts.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(Rule(r["name"], tuple(re.compile(p) for p in r["when"]), r["prefer"])
                 for r in data["rule"])  # fmt: skip


def deciding(query: Query) -> Rule | None:
    """The first rule whose every pattern matches the question as typed or as rewritten."""
    texts = (query.text.lower(), query.rewritten)
    for rule in rules():
        if all(any(p.search(text) for text in texts) for p in rule.when):
            return rule
    return None
