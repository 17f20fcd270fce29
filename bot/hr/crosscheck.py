"""Checks across the fields of one employee row: what belongs together.

Errors reject the file like the other row errors. A rank above the education cap of a
pelaksana is only a warning: HR data can be legitimately odd (a promotion before the cap rule,
a diploma not yet recorded), so the row is kept and the report says why it looks wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.career.eligibility import EDUCATION_CAP
from bot.career.ranks import FUNCTIONAL_RANGE, PNS_GRADES, grade_index

WARNING = "warning"


def employee(row: dict[str, Any], number: int, stated_birth: date | None) -> list[Any]:
    """Problems of a row whose single fields are each valid: RowErrors (import cycle avoided)."""
    from bot.hr.checking import RowError

    found: list[RowError] = []
    kind, grade, level = row["employment_type"], row["grade"], row["functional_level"]
    if stated_birth is not None and row["birth_date"] and stated_birth != row["birth_date"]:
        reason = f"differs from the NIP's birth date {row['birth_date']}"
        found.append(RowError(number, "birth_date", stated_birth.isoformat(), reason))
    if kind == "PNS" and row["cpns_tmt"] and row["grade_tmt"] < row["cpns_tmt"]:
        found.append(RowError(number, "grade_tmt", row["grade_tmt"].isoformat(),
                              f"lies before the CPNS date {row['cpns_tmt']}"))  # fmt: skip
    if kind == "PNS" and level in FUNCTIONAL_RANGE and grade in PNS_GRADES:
        low, high = FUNCTIONAL_RANGE[level]
        if not grade_index(low) <= grade_index(grade) <= grade_index(high):
            found.append(RowError(number, "grade", grade,
                                  f"outside the range {low}-{high} of {level}"))  # fmt: skip
    cap = EDUCATION_CAP.get(row["education"] or "")
    pelaksana = kind == "PNS" and row["position_type"] == "pelaksana"
    if pelaksana and cap and grade in PNS_GRADES and grade_index(grade) > grade_index(cap):
        reason = f"above {cap}, the highest regular rank for {row['education']}; kept, check it"
        found.append(RowError(number, "grade", grade, reason, WARNING))
    return found
