"""Work units as SIASN/SIMPEG exports name them: our code, the official name, or close to it.

Exports write "Dinas Pendidikan Prov. Jambi" where content/units.toml says "Dinas Pendidikan
Provinsi Jambi". A name is normalised (case, punctuation, common abbreviations) and looked up;
otherwise rapidfuzz may match it, but only when the best name is clearly the best: the import
report then says which unit was taken, so HR can check it.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz, process

from bot.career import catalog

MATCH_SCORE = 90  # token-sort ratio a fuzzy match needs
MARGIN = 4  # and its lead over the next unit's name
_ABBREVIATIONS = {
    "prov": "provinsi", "propinsi": "provinsi", "kab": "kabupaten", "pemkab": "kabupaten",
    "pemprov": "provinsi", "pemkot": "kota", "sekda": "sekretariat daerah", "dan": "dan",
}  # fmt: skip


def plain(text: str) -> str:
    """Lower case, punctuation dropped, single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def normalise(text: str) -> str:
    """``plain`` with the common abbreviations written out."""
    return " ".join(_ABBREVIATIONS.get(w, w) for w in plain(text).split())


@cache
def _known() -> tuple[dict[str, str], dict[str, str]]:
    """Exact keys (code and plain name) -> code, and normalised name -> code."""
    exact, names = {}, {}
    for unit in catalog.units():
        exact[unit.code.lower()] = unit.code
        exact[plain(unit.name)] = unit.code
        names[normalise(unit.name)] = unit.code
    return exact, names


def match_unit(text: str) -> tuple[str | None, bool]:
    """The unit's code, and whether it took more than case and punctuation (to be reported)."""
    exact, names = _known()
    if (code := exact.get(text.strip().lower()) or exact.get(plain(text))) is not None:
        return code, False
    if (code := names.get(normalise(text))) is not None:
        return code, True
    found = process.extract(normalise(text), list(names), scorer=fuzz.token_sort_ratio, limit=2)
    if not found or found[0][1] < MATCH_SCORE:
        return None, False
    if len(found) > 1 and found[0][1] - found[1][1] < MARGIN:
        return None, False  # two units are about as close: do not guess
    return names[found[0][0]], True
