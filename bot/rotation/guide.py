"""content/rotation.toml: what changes with a move, the steps, HR's checklist, whom to contact,
and the help for each readiness barrier. HR edits it; a broken file stops start-up with the
problem named."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from bot.career import catalog
from bot.config import CONTENT_DIR

BLOCKS = ("awareness", "desire", "knowledge", "ability", "reinforcement")
LANGS = ("id", "en")


class GuideError(ValueError):
    """content/rotation.toml is missing a part or a translation."""


@dataclass(frozen=True)
class Line:
    text: dict[str, str]  # language -> Telegram HTML
    source: str = ""

    def __call__(self, lang: str) -> str:
        return self.text.get(lang) or self.text["id"]


@dataclass(frozen=True)
class Help:
    text: Line
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    changes: tuple[Line, ...]
    steps: tuple[Line, ...]
    checklist: tuple[Line, ...]
    contacts: dict[str, Line]  # region code or "default"
    help: dict[str, Help]  # building block -> help

    def contact(self, region: str) -> Line:
        """Whom to contact for a government, given by its code or its name."""
        code = catalog.region_codes().get(region, region)
        return self.contacts.get(code) or self.contacts["default"]

    def problems(self, entry_ids: set[str]) -> list[str]:
        """References that lead nowhere: unknown region codes, missing knowledge entries."""
        regions = set(catalog.region_codes().values())
        found = [
            f"[contact.{code}]: no such region in units.toml"
            for code in self.contacts
            if code != "default" and code not in regions
        ]
        found += [f"[help.{block}]: no knowledge entry {entry!r}"
                  for block, item in self.help.items() for entry in item.entries
                  if entry not in entry_ids]  # fmt: skip
        return found


def _line(raw: object, where: str) -> Line:
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) and raw[k].strip()
                                            for k in LANGS):  # fmt: skip
        raise GuideError(f"{where}: needs non-empty 'id' and 'en' texts")
    return Line({k: raw[k].strip() for k in LANGS}, str(raw.get("source", "")))


def parse(data: dict[str, object]) -> Guide:
    """The guide from the file's data; GuideError names the first missing part."""
    lists = {}
    for part in ("changes", "steps", "checklist"):
        items = data.get(part)
        if not isinstance(items, list) or not items:
            raise GuideError(f"[[{part}]]: at least one item is needed")
        lists[part] = tuple(_line(item, f"{part}[{i}]") for i, item in enumerate(items))
    contacts = data.get("contact")
    if not isinstance(contacts, dict) or "default" not in contacts:
        raise GuideError("[contact.default] is needed")
    helps = data.get("help")
    if not isinstance(helps, dict) or set(BLOCKS) - set(helps):
        raise GuideError(f"[help.*] needs each of {', '.join(BLOCKS)}")
    return Guide(
        lists["changes"], lists["steps"], lists["checklist"],
        {code: _line(raw, f"contact.{code}") for code, raw in contacts.items()},
        {b: Help(_line(helps[b], f"help.{b}"), tuple(helps[b].get("entries", ())))
         for b in BLOCKS},
    )  # fmt: skip


@cache
def guide() -> Guide:
    """The guide as the content folder holds it (read once per process)."""
    with (CONTENT_DIR / "rotation.toml").open("rb") as handle:
        return parse(tomllib.load(handle))
