"""Small talk: a greeting, thanks or "??" gets a short friendly reply, not a search."""

from __future__ import annotations

import re
import tomllib
from functools import cache

from bot.config import CONTENT_DIR

_NOT_KEPT = re.compile(r"[^\w\s?]", re.UNICODE)


@cache
def _categories() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    with (CONTENT_DIR / "smalltalk.toml").open("rb") as handle:
        data = tomllib.load(handle)
    return tuple(
        (c["name"], tuple(re.compile(p) for p in c["patterns"])) for c in data["category"]
    )


def kind(message: str) -> str | None:
    """ "greeting", "thanks" or "unclear" when the whole message is small talk, else None."""
    text = " ".join(_NOT_KEPT.sub(" ", message.lower()).split())
    if len(text) > 80:
        return None
    for name, patterns in _categories():
        if any(p.fullmatch(text) for p in patterns):
            return name
    return None
