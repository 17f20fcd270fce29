"""Who may do what: the one admin check and the reach of each role.

Superadmins come from the configuration. Below them, the ``admin_roles`` table holds admins of a
government (BKD of the province or BKPSDM of a regency or city: all its units) and admins of one
unit (OPD). Every admin command declares the lowest role that may use it (``bot.commands``);
what a role may see or reach is the SQL condition ``Access.units`` gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, or_, select, true

from bot.career import catalog
from db.models import Rotation, Unit

# Ordered: a role may do everything the roles before it may.
LEVELS = ("user", "unit", "gov", "super")
# The names HR uses when granting a role, in both languages of the bot.
ROLE_NAMES = {"bkd": "gov", "bkpsdm": "gov", "gov": "gov", "opd": "unit", "unit": "unit"}


@dataclass(frozen=True)
class Access:
    role: str  # "super", "gov" or "unit"
    region_code: str | None = None  # the government (gov and unit roles)
    unit_id: int | None = None  # unit role only
    unit_code: str | None = None

    def allows(self, level: str) -> bool:
        """True when this role may use what needs ``level``."""
        return LEVELS.index(self.role) >= LEVELS.index(level)

    @property
    def region(self) -> str | None:
        """The government's name as units carry it (None for superadmins)."""
        return region_name(self.region_code) if self.region_code else None

    def units(self, unit: Any = Unit) -> ColumnElement[bool]:
        """SQL condition on a units table (or alias): the unit is within reach."""
        if self.role == "super":
            return true()
        if self.role == "gov":
            return unit.region == self.region  # type: ignore[no-any-return]
        return unit.id == self.unit_id  # type: ignore[no-any-return]

    def unit_ids(self, column: Any) -> ColumnElement[bool]:
        """SQL condition on a unit id column: the unit is within reach."""
        if self.role == "super":
            return true()
        if self.role == "unit":
            return column == self.unit_id  # type: ignore[no-any-return]
        return column.in_(select(Unit.id).where(self.units(Unit)))  # type: ignore[no-any-return]

    def rotations(self) -> ColumnElement[bool]:
        """SQL condition on ``rotations``: the move leaves or enters a unit within reach."""
        if self.role == "super":
            return true()
        return or_(self.unit_ids(Rotation.from_unit_id), self.unit_ids(Rotation.to_unit_id))

    def covers(self, region: str | None, unit_id: int | None) -> bool:
        """True when a unit (given by its government's name and id) is within reach."""
        if self.role == "super":
            return True
        if self.role == "gov":
            return region is not None and region == self.region
        return unit_id is not None and unit_id == self.unit_id


SUPER = Access("super")


def region_name(code: str) -> str | None:
    """The government's name for its code in units.toml."""
    return next((name for name, c in catalog.region_codes().items() if c == code), None)


def of_row(
    role: str | None, region_code: str | None, unit_id: int | None, unit_code: str | None = None
) -> Access | None:
    """The access an ``admin_roles`` row gives (None without a row)."""
    if role not in ("gov", "unit") or region_code is None:
        return None
    if role == "gov":
        return Access(role, region_code)
    return Access(role, region_code, unit_id, unit_code)
