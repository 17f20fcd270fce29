"""One English rendering per civil-service term (content/glossary.toml), shown under English
answers."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache

from bot.config import CONTENT_DIR
from bot.knowledge.kb import rendered_text

MAX_TERMS = 4  # a Terms line longer than this would bury the answer


@dataclass(frozen=True)
class Term:
    term: str
    en: str
    pattern: re.Pattern[str]


@cache
def terms() -> tuple[Term, ...]:
    with (CONTENT_DIR / "glossary.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        Term(t["term"], t["en"],
             re.compile(r"\b(" + "|".join(map(re.escape, t["match"])) + r")\b", re.IGNORECASE))
        for t in data["term"]
    )  # fmt: skip


def used_in(answer_html: str) -> list[Term]:
    """The glossary terms an answer uses, in the order they first appear (at most MAX_TERMS)."""
    text = rendered_text(answer_html)
    found = [(m.start(), t) for t in terms() if (m := t.pattern.search(text))]
    return [t for _, t in sorted(found, key=lambda pair: pair[0])][:MAX_TERMS]
