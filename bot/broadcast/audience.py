"""Who a broadcast reaches: linked ASN chosen by one criterion, within the author's role.

An audience is stored with its broadcast as a small JSON object, e.g. ``{"kind": "gov",
"values": ["KERINCI"]}``; the recipients are computed by one SQL query, so counting them for the
preview and queueing them are the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.access import Access, region_name
from bot.career.ranks import PNS_GRADES
from bot.career.views import POSITION_KEYS
from db.models import Employee, ReadinessAnswer, Rotation, TelegramLink, Unit, User

KINDS = ("all", "gov", "unit", "position", "grade", "cohort", "not_ready")


class AudienceError(ValueError):
    """An audience that cannot be used; ``key`` names the message saying why."""

    def __init__(self, key: str, value: str = "") -> None:
        super().__init__(key)
        self.key = key
        self.value = value


@dataclass(frozen=True)
class Audience:
    kind: str = "all"
    values: tuple[str, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "values": list(self.values)}

    @classmethod
    def of_json(cls, data: dict[str, Any]) -> Audience:
        return cls(str(data.get("kind", "all")), tuple(str(v) for v in data.get("values", ())))

    def describe(self) -> str:
        """A short label: "gov: KERINCI", "grade: III/a-III/d", "all"."""
        return self.kind if not self.values else f"{self.kind}: {', '.join(self.values)}"


def parse(text: str) -> Audience:
    """The command line's form: all | gov:CODE[,CODE] | unit:CODE[,…] | position:TYPE[,…] |
    grade:FROM-TO | cohort:NAME | not_ready[:COHORT]."""
    kind, _, rest = text.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise AudienceError("broadcast.bad_audience", text)
    if kind == "all":
        return Audience()
    if kind in ("cohort", "not_ready"):
        return Audience(kind, (rest.strip(),) if rest.strip() else ())
    if kind == "grade":
        low, _, high = rest.partition("-")
        return checked(Audience(kind, (low.strip(), (high or low).strip())))
    values = tuple(v.strip().upper() if kind != "position" else v.strip().lower()
                   for v in rest.split(",") if v.strip())  # fmt: skip
    return checked(Audience(kind, values))


def checked(audience: Audience) -> Audience:
    """The audience, or AudienceError naming the first value that is not known."""
    kind, values = audience.kind, audience.values
    if kind in ("gov", "unit", "position", "grade", "cohort") and not values:
        raise AudienceError("broadcast.bad_audience", kind)
    for value in values:
        known = {
            "gov": lambda v: region_name(v) is not None,
            "position": lambda v: v in POSITION_KEYS,
            "grade": lambda v: v in PNS_GRADES,
        }.get(kind)
        if known is not None and not known(value):
            raise AudienceError("broadcast.bad_value", value)
    if kind == "grade" and PNS_GRADES.index(values[0]) > PNS_GRADES.index(values[1]):
        raise AudienceError("broadcast.bad_value", "-".join(values))
    return audience


def recipients(audience: Audience, access: Access) -> Any:
    """(Telegram user id, employee id) of every linked, reachable person in the audience who has
    not blocked the bot."""
    query = (
        select(TelegramLink.user_id, Employee.id)
        .join(Employee, Employee.id == TelegramLink.employee_id)
        .join(Unit, Unit.id == Employee.unit_id)
        .join(User, User.id == TelegramLink.user_id)
        .where(access.units(), User.is_blocked.is_(False))
    )
    return query.where(*_criterion(audience))


def _criterion(audience: Audience) -> list[Any]:
    kind, values = audience.kind, audience.values
    if kind == "gov":
        return [Unit.region.in_([region_name(v) for v in values])]
    if kind == "unit":
        return [Unit.code.in_(values)]
    if kind == "position":
        return [Employee.position_type.in_(values)]
    if kind == "grade":
        low, high = PNS_GRADES.index(values[0]), PNS_GRADES.index(values[1])
        return [Employee.grade.in_(PNS_GRADES[low : high + 1])]
    if kind == "cohort":
        moving = select(Rotation.employee_id).where(
            Rotation.cohort == values[0], Rotation.status == "planned"
        )
        return [Employee.id.in_(moving)]
    if kind == "not_ready":
        return [Employee.id.in_(_not_ready(values[0] if values else None))]
    return []


def _not_ready(cohort: str | None) -> Any:
    """Employees whose latest readiness answer for a planned move is "Belum siap"."""
    newest = select(func.max(ReadinessAnswer.id)).group_by(ReadinessAnswer.rotation_id)
    query = (
        select(Rotation.employee_id)
        .join(ReadinessAnswer, ReadinessAnswer.rotation_id == Rotation.id)
        .where(ReadinessAnswer.id.in_(newest), ReadinessAnswer.status == "not_ready",
               Rotation.status == "planned")
    )  # fmt: skip
    return query.where(Rotation.cohort == cohort) if cohort else query
