"""Reference data from content/: work units and competencies."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from bot.config import CONTENT_DIR


@dataclass(frozen=True)
class UnitDef:
    code: str
    name: str
    region: str


@dataclass(frozen=True)
class CompetencyDef:
    code: str
    kind: str
    name_id: str
    name_en: str


def _read(name: str) -> dict[str, object]:
    return tomllib.loads((CONTENT_DIR / name).read_text(encoding="utf-8"))


@cache
def units() -> tuple[UnitDef, ...]:
    """Every known unit, its code prefixed by its region's code (e.g. KERINCI-BKPSDM)."""
    regions = _read("units.toml")["region"]
    assert isinstance(regions, list)
    return tuple(
        UnitDef(f"{region['code']}-{code}", name, region["name"])
        for region in regions
        for code, name in region["units"]
    )


@cache
def region_codes() -> dict[str, str]:
    """Government name (as units carry it) -> its code in units.toml (e.g. "PROV")."""
    regions = _read("units.toml")["region"]
    assert isinstance(regions, list)
    return {region["name"]: region["code"] for region in regions}


@cache
def competencies() -> tuple[CompetencyDef, ...]:
    """The managerial and socio-cultural competencies."""
    entries = _read("competencies.toml")["competency"]
    assert isinstance(entries, list)
    return tuple(CompetencyDef(**entry) for entry in entries)
