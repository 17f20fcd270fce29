"""Recognising questions about oneself, which the personal commands answer."""

from __future__ import annotations

import re
import tomllib
from functools import cache

from bot.config import CONTENT_DIR
from bot.knowledge.query import Query


@cache
def _routes() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    data = tomllib.loads((CONTENT_DIR / "self_questions.toml").read_text(encoding="utf-8"))
    return tuple(
        (route["command"], tuple(re.compile(p) for p in route["patterns"]))
        for route in data["route"]
    )


def personal_command(query: Query) -> str | None:
    """The personal command that answers this question about oneself, if it is one."""
    texts = (query.rewritten, query.cleaned)
    for command, patterns in _routes():
        if any(p.search(text) for p in patterns for text in texts):
            return command
    return None
