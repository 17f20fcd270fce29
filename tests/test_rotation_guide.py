"""content/rotation.toml: complete, its references lead somewhere, and a broken one is caught."""

from __future__ import annotations

import tomllib

import pytest

from bot.config import CONTENT_DIR
from bot.knowledge import kb
from bot.rotation import guide


def _data() -> dict[str, object]:
    return tomllib.loads((CONTENT_DIR / "rotation.toml").read_text(encoding="utf-8"))


def test_the_guide_is_complete_and_every_reference_exists() -> None:
    loaded = guide.guide()
    assert loaded.problems({e.id for e in kb.load().entries}) == []
    assert loaded.contact("Provinsi Jambi") == loaded.contacts["PROV"]
    assert loaded.contact("Kabupaten Entah") == loaded.contacts["default"]


@pytest.mark.parametrize("part", ["changes", "steps", "checklist", "contact", "help"])
def test_a_missing_part_is_named(part: str) -> None:
    data = _data()
    del data[part]
    with pytest.raises(guide.GuideError, match=part):
        guide.parse(data)


def test_a_missing_translation_is_named() -> None:
    data = _data()
    changes = data["changes"]
    assert isinstance(changes, list)
    del changes[0]["en"]
    with pytest.raises(guide.GuideError, match=r"changes\[0\]"):
        guide.parse(data)


def test_a_reference_to_an_unknown_entry_or_region_is_reported() -> None:
    data = _data()
    helps, contacts = data["help"], data["contact"]
    assert isinstance(helps, dict)
    assert isinstance(contacts, dict)
    helps["desire"]["entries"] = ["tidak-ada"]
    contacts["ATLANTIS"] = {"id": "x", "en": "x"}
    problems = guide.parse(data).problems({e.id for e in kb.load().entries})
    assert len(problems) == 2
