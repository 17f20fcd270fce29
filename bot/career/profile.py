"""A linked employee's own data, competency gaps, training advice and career outlook."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import select

from bot.access import SUPER, Access
from bot.career import catalog, eligibility
from bot.career.eligibility import Finding, Person
from bot.config import CONTENT_DIR
from db.models import (
    AuditEntry,
    CompetencyScore,
    DevelopmentHours,
    Employee,
    PerformanceRating,
    Unit,
)
from db.session import SessionFactory

PNS_JP_RIGHT = 20  # at least 20 JP a year (PP 11/2017 Pasal 203)
PPPK_JP_MAX = 24  # at most 24 JP a year during the contract (PP 49/2018 Pasal 39)


@dataclass(frozen=True)
class Profile:
    employee_id: int
    nip: str
    name: str
    employment_type: str
    unit: str
    region: str
    position_name: str
    position_type: str
    functional_level: str | None
    grade: str
    grade_tmt: date
    cpns_tmt: date | None
    education: str
    person: Person
    hours: dict[int, int]
    scores: dict[str, tuple[int, date]]
    gaps_in_data: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    """An employee found by name."""

    employee_id: int
    name: str
    nip: str
    position_name: str


@dataclass(frozen=True)
class CompetencyRow:
    code: str
    actual: int | None
    required: int

    @property
    def gap(self) -> int:
        """The shortfall against the standard; none when not assessed (never invented)."""
        return 0 if self.actual is None else max(self.required - self.actual, 0)


@dataclass(frozen=True)
class CompetencyReport:
    rows: tuple[CompetencyRow, ...]
    jpm: float | None
    category: str | None
    assessed_on: date | None
    typical_standard: bool


@dataclass(frozen=True)
class Training:
    id: str
    name_id: str
    name_en: str
    provider: str
    kind: str
    mode: str
    jp: int
    competencies: tuple[str, ...]
    positions: tuple[str, ...] = ()  # the position types it is meant for; empty: everyone


@dataclass(frozen=True)
class TrainingAdvice:
    recommended: tuple[tuple[Training, int], ...]  # training, total gap it addresses
    hours_this_year: int
    target: int
    pppk: bool
    assessed: bool = True
    position_type: str = ""


@dataclass(frozen=True)
class Career:
    promotion: list[Finding] = field(default_factory=list)
    credit: list[Finding] = field(default_factory=list)
    retirement: list[Finding] = field(default_factory=list)
    jpt: list[Finding] = field(default_factory=list)
    rotation: list[Finding] = field(default_factory=list)


@cache
def standards() -> tuple[dict[str, int], dict[str, int], bool]:
    """Typical required levels by tier and by functional level."""
    data = _standards_file()
    return dict(data["tier"]), dict(data["functional"]), bool(data.get("typical", True))


@cache
def _standards_file() -> dict[str, Any]:
    return tomllib.loads((CONTENT_DIR / "standards.toml").read_text(encoding="utf-8"))


def technical_level(profile: Profile) -> int:
    """Typical required level of the position's technical competency."""
    table: dict[str, int] = _standards_file()["technical"]
    key = profile.functional_level if profile.position_type == "fungsional" else None
    return table.get(key or profile.position_type, 2)


@cache
def trainings() -> tuple[Training, ...]:
    """The training catalogue."""
    data = tomllib.loads((CONTENT_DIR / "training.toml").read_text(encoding="utf-8"))
    return tuple(
        Training(
            **{
                **t,
                "competencies": tuple(t["competencies"]),
                "positions": tuple(t.get("positions", ())),
            }
        )
        for t in data["training"]
    )


def required_level(profile: Profile) -> int:
    tiers, functional, _ = standards()
    if profile.position_type == "fungsional" and profile.functional_level in functional:
        return functional[profile.functional_level]
    return tiers.get(profile.position_type, 1)


def jpm_category(jpm: float) -> str:
    """Uji kompetensi categories: MS at least 80 %, MMS 68 % to below 80 %, else KMS."""
    if jpm >= 80:
        return "memenuhi"
    return "masih_memenuhi" if jpm >= 68 else "kurang"


def competency_report(profile: Profile) -> CompetencyReport:
    """Each competency against the standard, and the Job Person Match."""
    need = required_level(profile)
    rows = tuple(
        CompetencyRow(
            c.code,
            profile.scores.get(c.code, (None, None))[0],
            technical_level(profile) if c.kind == "teknis" else need,
        )
        for c in catalog.competencies()
    )
    assessed = [d for _, d in profile.scores.values()]
    if not profile.scores:
        return CompetencyReport(rows, None, None, None, standards()[2])
    # Each competency counts up to its required level; a surplus does not hide another gap.
    jpm = 100 * sum(min(r.actual or 0, r.required) for r in rows) / sum(r.required for r in rows)
    return CompetencyReport(rows, round(jpm, 1), jpm_category(jpm), max(assessed), standards()[2])


def fits(training: Training, profile: Profile) -> bool:
    """Training meant for the person's position type and possible for their employment type:
    a PPPK has at most 24 JP a year (PP 49/2018 Pasal 39), so no longer course and no
    leadership training of a post a PPPK cannot hold."""
    if training.positions and profile.position_type not in training.positions:
        return False
    if profile.employment_type == "PPPK":
        return training.kind != "kepemimpinan" and 0 < training.jp <= PPPK_JP_MAX
    return True


def training_advice(profile: Profile, today: date) -> TrainingAdvice:
    """Training that fits the person, ordered by how much of the gap it closes, and this
    year's development hours. Without an assessment there is no gap to aim at."""
    report = competency_report(profile)
    gaps = {r.code: r.gap for r in report.rows if r.gap}
    ranked = sorted(
        (
            (t, sum(gaps.get(c, 0) for c in t.competencies))
            for t in trainings()
            if fits(t, profile)
        ),
        key=lambda pair: (-pair[1], pair[0].jp),
    )
    recommended = tuple((t, g) for t, g in ranked if g > 0)[:5]
    pppk = profile.employment_type == "PPPK"
    return TrainingAdvice(
        recommended, profile.hours.get(today.year, 0), PPPK_JP_MAX if pppk else PNS_JP_RIGHT,
        pppk, report.jpm is not None, profile.position_type,
    )  # fmt: skip


def career(profile: Profile, today: date) -> Career:
    """Everything the rules say about this person today."""
    person = profile.person
    return Career(
        promotion=[] if person.position_type == "fungsional" and person.employment_type == "PNS"
        else eligibility.regular_promotion(person, today),
        credit=eligibility.credit_points(person, today),
        retirement=eligibility.retirement(person),
        jpt=eligibility.structural_post(person, today) + eligibility.jpt_pratama(person, today),
        rotation=eligibility.rotation_constraints(person, today),
    )  # fmt: skip


class ProfileService:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def for_admin(
        self, admin_id: int, nip: str, today: date, employee_id: int | None = None,
        access: Access = SUPER,
    ) -> Profile | None:  # fmt: skip
        """An employee's profile looked up by an admin (by NIP, or by id from a search) within
        their reach (None otherwise); the view is written to the audit log."""
        reachable = (
            select(Employee.id).join(Unit, Unit.id == Employee.unit_id).where(access.units())
        )
        async with self._sessions() as session, session.begin():
            found = Employee.nip == nip if employee_id is None else Employee.id == employee_id
            employee_id = await session.scalar(reachable.where(found))
            if employee_id is None:
                return None
            session.add(AuditEntry(actor_id=admin_id, action="admin_view_profile",
                                   employee_id=employee_id))  # fmt: skip
        return await self.load(employee_id, today)

    async def search(
        self, admin_id: int, text: str, limit: int = 10, access: Access = SUPER
    ) -> list[Match]:
        """Employees within the admin's reach whose name contains ``text`` (case-insensitive);
        audited with the number of matches (the search text itself is not stored)."""
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        async with self._sessions() as session, session.begin():
            rows = await session.execute(
                select(Employee.id, Employee.name, Employee.nip, Employee.position_name)
                .join(Unit, Unit.id == Employee.unit_id)
                .where(Employee.name.ilike(pattern, escape="\\"), access.units())
                .order_by(Employee.name, Employee.id)
                .limit(limit)
            )
            found = [Match(*row) for row in rows]
            session.add(AuditEntry(actor_id=admin_id, action="admin_search_employee",
                                   detail=f"{len(found)} matches"))  # fmt: skip
        return found

    async def load(self, employee_id: int, today: date) -> Profile | None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(Employee, Unit).join(Unit).where(Employee.id == employee_id)
                )
            ).one_or_none()
            if row is None:
                return None
            employee, unit = row
            ratings = {
                year: predicate
                for year, predicate in await session.execute(
                    select(PerformanceRating.year, PerformanceRating.predicate)
                    .where(PerformanceRating.employee_id == employee_id)
                )
            }  # fmt: skip
            hours = {
                year: jp
                for year, jp in await session.execute(
                    select(DevelopmentHours.year, DevelopmentHours.hours)
                    .where(DevelopmentHours.employee_id == employee_id)
                )
            }  # fmt: skip
            scores = {
                code: (level, day)
                for code, level, day in await session.execute(
                    select(CompetencyScore.competency, CompetencyScore.level,
                           CompetencyScore.assessed_on)
                    .where(CompetencyScore.employee_id == employee_id)
                )
            }  # fmt: skip
        return _profile(employee, unit, ratings, hours, scores, today)


def _profile(
    employee: Employee,
    unit: Unit,
    ratings: dict[int, str],
    hours: dict[int, int],
    scores: dict[str, tuple[int, date]],
    today: date,
) -> Profile:
    person = Person(
        birth_date=employee.birth_date, employment_type=employee.employment_type,
        position_type=employee.position_type, functional_level=employee.functional_level,
        grade=employee.grade, grade_tmt=employee.grade_tmt, position_tmt=employee.position_tmt,
        cpns_tmt=employee.cpns_tmt, education=employee.education, ratings=ratings,
        contract_end=employee.contract_end,
    )  # fmt: skip
    return Profile(
        employee.id, employee.nip, employee.name, employee.employment_type, unit.name,
        unit.region, employee.position_name, employee.position_type, employee.functional_level,
        employee.grade, employee.grade_tmt, employee.cpns_tmt, employee.education, person, hours,
        scores, _data_gaps(employee, ratings, hours, scores, today),
    )  # fmt: skip


def _data_gaps(
    employee: Employee,
    ratings: dict[int, str],
    hours: dict[int, int],
    scores: dict[str, tuple[int, date]],
    today: date,
) -> tuple[str, ...]:
    """What HR should update: each item a gettext key."""
    gaps = []
    this_year = today.year
    if not {this_year - 1, this_year - 2} <= set(ratings):
        gaps.append("profile.gap_skp")
    if not scores:
        gaps.append("profile.gap_competency")
    elif max(d for _, d in scores.values()).year < this_year - 3:
        gaps.append("profile.gap_competency_old")
    if not hours:
        gaps.append("profile.gap_hours")
    if employee.employment_type == "PNS" and employee.cpns_tmt is None:
        gaps.append("profile.gap_cpns")
    return tuple(gaps)
