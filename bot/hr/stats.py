"""Counts for the admin overview."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from db.models import Employee, TelegramLink, Unit, User
from db.session import SessionFactory


@dataclass(frozen=True)
class Overview:
    users: int
    consented: int
    linked: int
    employees: int
    units: int


async def overview(sessions: SessionFactory) -> Overview:
    """How many users, links, employees and units the database holds."""
    async with sessions() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        consented = await session.scalar(
            select(func.count()).select_from(User).where(User.consent_at.is_not(None))
        )
        linked = await session.scalar(select(func.count()).select_from(TelegramLink))
        employees = await session.scalar(select(func.count()).select_from(Employee))
        units = await session.scalar(select(func.count()).select_from(Unit))
    return Overview(users or 0, consented or 0, linked or 0, employees or 0, units or 0)
