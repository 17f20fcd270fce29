"""The person against the new post's competency standard, and the training that closes the gaps."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.career.profile import (
    CompetencyRow,
    Profile,
    ProfileService,
    Training,
    competency_report,
    training_advice,
)
from bot.rotation.moves import Move


@dataclass(frozen=True)
class Fit:
    assessed: bool  # False: no assessment, so no gap can be shown (never assumed)
    gaps: tuple[CompetencyRow, ...]
    training: tuple[Training, ...]
    typical: bool  # the standard is the typical one, not the agency's own SKJ
    missing_level: bool  # a functional post without its jenjang in the plan


async def of_person(profiles: ProfileService, move: Move, today: date) -> Fit | None:
    """The moving person's gaps against the target post (None: the employee is gone)."""
    profile = await profiles.load(move.employee_id, today)
    return for_move(profile, move, today) if profile is not None else None


def for_move(profile: Profile, move: Move, today: date) -> Fit:
    """Gaps against the target post (its type and jenjang from the plan)."""
    level = move.to_level
    if move.to_position_type == "fungsional" and level is None:
        level = profile.functional_level if profile.position_type == "fungsional" else None
    target = replace(profile, position_type=move.to_position_type, functional_level=level)
    report = competency_report(target)
    advice = training_advice(target, today)
    gaps = tuple(r for r in report.rows if r.gap)
    return Fit(
        report.jpm is not None, gaps, tuple(t for t, _ in advice.recommended[:3]),
        report.typical_standard, move.to_position_type == "fungsional" and level is None,
    )  # fmt: skip
