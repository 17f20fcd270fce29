"""Two questions in one message ("latsar wajib? klo gk lulus gmn?"): where to cut it."""

from __future__ import annotations

import re

# A question mark, or a sentence end, followed by more text; or a joining word that starts a new
# question ("..., terus kalau ...", "... and will ..."). "dan" alone joins nouns, so it counts only
# before a question word.
_CUT = re.compile(
    r"\?+\s+|[.!]\s+(?=\w)|,?\s+\b(?:trus|terus|trs|lalu|kemudian|terus kalau|trus klo)\b\s+"
    r"|,?\s+\bdan (?=(?:apakah|berapa|bagaimana|gimana|kapan|siapa|bisakah|bolehkah)\b)"
    r"|,?\s+\band (?=(?:how|what|when|will|is|are|can|do|does|who|which)\b)",
    re.IGNORECASE,
)
_JOINER = re.compile(r"^(?:trus|terus|trs|lalu|kemudian|and|dan)\b\s*", re.IGNORECASE)
MIN_WORDS = 2


def split(text: str) -> tuple[str, str] | None:
    """The first question and the rest, when the message holds two questions."""
    pieces = [_JOINER.sub("", p.strip(" ?.!,")) for p in _CUT.split(text.strip())]
    pieces = [p for p in pieces if len(p.split()) >= MIN_WORDS]
    if len(pieces) < 2:
        return None
    return pieces[0], " ".join(pieces[1:])
