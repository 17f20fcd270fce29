"""Granting and revoking admin roles (superadmins only), each change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from bot.access import ROLE_NAMES, Access
from bot.career import catalog
from bot.career.nip import is_nip_shaped, normalise
from db import repositories as repo
from db.base import utcnow
from db.models import AdminRole, AuditEntry, Employee, TelegramLink, Unit
from db.retry import retry_on_lock
from db.session import SessionFactory

# A Telegram user id has at most 15 digits today; an NIP has 18.
MAX_USER_ID_DIGITS = 15


class RoleError(ValueError):
    """A grant that cannot be made; ``key`` names the message that explains why."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class Holder:
    user_id: int
    role: str
    region_code: str
    unit_code: str | None
    granted_at: datetime

    @property
    def scope(self) -> str:
        return self.unit_code or self.region_code


class Roles:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def user_id(self, who: str) -> int:
        """A Telegram user id, given as such or as the NIP of a linked account."""
        who = who.strip()
        if who.isdigit() and len(who) <= MAX_USER_ID_DIGITS:
            return int(who)
        if is_nip_shaped(normalise(who)):
            async with self._sessions() as session:
                found = await session.scalar(
                    select(TelegramLink.user_id)
                    .join(Employee, Employee.id == TelegramLink.employee_id)
                    .where(Employee.nip == normalise(who))
                )
            if found is not None:
                return int(found)
            raise RoleError("roles.not_linked")
        raise RoleError("roles.bad_user")

    @retry_on_lock
    async def grant(self, actor: int | None, user_id: int, role: str, scope: str) -> Access:
        """Give ``user_id`` the role (bkd/opd) over ``scope`` (a government or unit code),
        replacing any role they had."""
        kind = ROLE_NAMES.get(role.lower())
        if kind is None:
            raise RoleError("roles.bad_role")
        scope = scope.strip().upper()
        async with self._sessions() as session, session.begin():
            if kind == "gov":
                if scope not in catalog.region_codes().values():
                    raise RoleError("roles.bad_government", code=scope)
                region_code, unit_id = scope, None
            else:
                units = await repo.upsert_units(
                    session, ((u.code, u.name, u.region) for u in catalog.units())
                )
                unit = next((u for u in catalog.units() if u.code == scope), None)
                if unit is None:
                    raise RoleError("roles.bad_unit", code=scope)
                region_code, unit_id = catalog.region_codes()[unit.region], units[scope]
            await session.execute(delete(AdminRole).where(AdminRole.user_id == user_id))
            row = AdminRole(user_id=user_id, role=kind, region_code=region_code, unit_id=unit_id,
                            granted_by=actor, granted_at=utcnow())  # fmt: skip
            session.add(row)
            session.add(AuditEntry(actor_id=actor, action="role_grant",
                                   detail=f"user {user_id}: {kind} {scope}"))  # fmt: skip
        return Access(kind, region_code, unit_id)

    @retry_on_lock
    async def revoke(self, actor: int | None, user_id: int) -> bool:
        """Take the role away; False when the user had none."""
        async with self._sessions() as session, session.begin():
            gone = await session.execute(delete(AdminRole).where(AdminRole.user_id == user_id))
            if not gone.rowcount:  # type: ignore[attr-defined]
                return False
            session.add(AuditEntry(actor_id=actor, action="role_revoke",
                                   detail=f"user {user_id}"))  # fmt: skip
        return True

    async def holders(self) -> list[Holder]:
        """Everyone with a role, by government, role and user."""
        async with self._sessions() as session:
            rows = await session.execute(
                select(AdminRole.user_id, AdminRole.role, AdminRole.region_code, Unit.code,
                       AdminRole.granted_at)
                .outerjoin(Unit, Unit.id == AdminRole.unit_id)
                .order_by(AdminRole.region_code, AdminRole.role, AdminRole.user_id)
            )  # fmt: skip
            return [Holder(*row) for row in rows]
