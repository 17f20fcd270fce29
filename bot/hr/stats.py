"""Counts for the admin overview, within the admin's reach."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from bot.access import Access
from db.models import Employee, TelegramLink, Unit, User
from db.session import SessionFactory


@dataclass(frozen=True)
class Overview:
    users: int
    consented: int
    linked: int
    employees: int
    units: int


async def overview(sessions: SessionFactory, access: Access) -> Overview:
    """How many users (everyone's, for every admin: they belong to no unit), and how many
    links, employees and units within ``access``."""
    staff = select(Employee.id).join(Unit, Unit.id == Employee.unit_id).where(access.units())
    async with sessions() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        consented = await session.scalar(
            select(func.count()).select_from(User).where(User.consent_at.is_not(None))
        )
        linked = await session.scalar(
            select(func.count()).select_from(TelegramLink)
            .where(TelegramLink.employee_id.in_(staff))
        )  # fmt: skip
        employees = await session.scalar(select(func.count()).select_from(staff.subquery()))
        units = await session.scalar(select(func.count()).select_from(Unit).where(access.units()))
    return Overview(users or 0, consented or 0, linked or 0, employees or 0, units or 0)
