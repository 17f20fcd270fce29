"""Links between Telegram accounts and employee records."""

from __future__ import annotations

from sqlalchemy import delete, select

from db.models import Employee, TelegramLink, User
from db.session import SessionFactory


async def link_directly(sessions: SessionFactory, user_id: int, nip: str) -> str | None:
    """Link an account to an NIP without a code (the local console only); the employee's name.

    Returns None when no employee has that NIP. An older link of either side is replaced.
    """
    async with sessions() as session, session.begin():
        employee = await session.scalar(select(Employee).where(Employee.nip == nip))
        if employee is None:
            return None
        if await session.get(User, user_id) is None:
            session.add(User(id=user_id))
            await session.flush()
        await session.execute(
            delete(TelegramLink).where(
                (TelegramLink.user_id == user_id) | (TelegramLink.employee_id == employee.id)
            )
        )
        session.add(TelegramLink(user_id=user_id, employee_id=employee.id))
        return employee.name
