"""One person's move as the messages about it show it, read in one query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Employee, Rotation, TelegramLink, Unit, User
from db.session import SessionFactory

Row = TypeVar("Row")


@dataclass(frozen=True)
class Move:
    rotation_id: int
    cohort: str
    employee_id: int
    name: str
    nip: str
    employment_type: str
    user_id: int | None  # the linked Telegram account, if any
    language: str | None
    from_unit: str
    from_position: str
    to_unit: str
    to_region: str
    to_position: str
    to_position_type: str
    to_level: str | None
    tmt: date
    sk_number: str | None
    reason: str | None
    status: str


async def load(session: AsyncSession, *where: Any) -> list[Move]:
    """The moves matching the conditions on Rotation (and Employee, TelegramLink)."""
    source, target = aliased(Unit), aliased(Unit)
    columns = (
        Rotation.id, Rotation.cohort, Employee.id, Employee.name, Employee.nip,
        Employee.employment_type, TelegramLink.user_id, User.language,
        source.name, Rotation.from_position_name, target.name, target.region,
        Rotation.to_position_name, Rotation.to_position_type, Rotation.to_functional_level,
        Rotation.tmt, Rotation.sk_number, Rotation.reason, Rotation.status,
    )  # fmt: skip
    query = (
        select(*columns)
        .join(Employee, Employee.id == Rotation.employee_id)
        .join(target, target.id == Rotation.to_unit_id)
        .outerjoin(source, source.id == Rotation.from_unit_id)
        .outerjoin(TelegramLink, TelegramLink.employee_id == Employee.id)
        .outerjoin(User, User.id == TelegramLink.user_id)
        .where(*where)
    )
    found = []
    for row in (await session.execute(query)).all():
        values = list(row)
        values[8] = values[8] or ""  # the unit the person came from may be unknown
        found.append(Move(*values))
    return found


async def of_rotation(session: AsyncSession, rotation_id: int) -> Move | None:
    found = await load(session, Rotation.id == rotation_id)
    return found[0] if found else None


async def with_move(
    sessions: SessionFactory, model: type[Row], row_id: int
) -> tuple[Row, Move] | None:
    """A row that carries a ``rotation_id`` (detached) and the move it is about."""
    async with sessions() as session:
        row = await session.get(model, row_id)
        if row is None:
            return None
        move = await of_rotation(session, row.rotation_id)  # type: ignore[attr-defined]
        session.expunge(row)
    return (row, move) if move is not None else None


async def of_user(session: AsyncSession, user_id: int, rotation_id: int) -> Move | None:
    """The move, only when it is the linked user's own."""
    found = await load(session, Rotation.id == rotation_id, TelegramLink.user_id == user_id)
    return found[0] if found else None
