"""What the career rules say about one person: pure functions of their data and a date.

Every result is a list of findings: a gettext key, the values for its placeholders, the regulation
and a confidence mark, so views can render them and tests can check them without Telegram.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date

from bot.career.ranks import FUNCTIONAL_RANGE, PNS_GRADES, grade_index

GOOD = ("Sangat Baik", "Baik")
# Highest rank through a regular promotion by education (PP 99/2000 Pasal 7 jo PP 12/2002).
EDUCATION_CAP = {
    "SD": "II/a", "SMP": "II/c", "SMA": "III/b", "D1": "III/b", "D2": "III/b", "D3": "III/c",
    "S1": "III/d", "D4": "III/d", "S2": "IV/a", "S3": "IV/b",
}  # fmt: skip
# Annual credit-point coefficient and the cumulative points for the next rank / next level
# (PermenPANRB 1/2023).
COEFFICIENT = {
    "ahli_pertama": 12.5, "ahli_muda": 25.0, "ahli_madya": 37.5, "ahli_utama": 50.0,
    "pemula": 3.75, "terampil": 5.0, "mahir": 12.5, "penyelia": 25.0,
}  # fmt: skip
NEXT_RANK_POINTS = {
    "ahli_pertama": 50, "ahli_muda": 100, "ahli_madya": 150, "ahli_utama": 200,
    "pemula": 15, "terampil": 20, "mahir": 50, "penyelia": 100,
}  # fmt: skip
NEXT_LEVEL_POINTS = {
    "ahli_pertama": 100, "ahli_muda": 200, "ahli_madya": 450, "pemula": 15, "terampil": 60,
    "mahir": 100,
}  # fmt: skip
NEXT_LEVEL = {
    "ahli_pertama": "ahli_muda", "ahli_muda": "ahli_madya", "ahli_madya": "ahli_utama",
    "pemula": "terampil", "terampil": "mahir", "mahir": "penyelia",
}  # fmt: skip
PREDICATE_SHARE = {
    "Sangat Baik": 1.5, "Baik": 1.0, "Butuh Perbaikan": 0.75, "Kurang": 0.5, "Sangat Kurang": 0.25,
}  # fmt: skip
CONVERSION_START = date(2023, 1, 1)
KP_YEARS = 4
EDUCATION_ORDER = ("SD", "SMP", "SMA", "D1", "D2", "D3", "S1", "D4", "S2", "S3")


@dataclass(frozen=True)
class Person:
    birth_date: date
    employment_type: str
    position_type: str
    functional_level: str | None
    grade: str
    grade_tmt: date
    position_tmt: date
    cpns_tmt: date | None
    education: str
    ratings: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    key: str
    values: dict[str, object] = field(default_factory=dict)
    basis: str = ""
    confidence: str = "sure"


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in common years."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def first_of_month_on_or_after(day: date) -> date:
    """Promotions take effect on the 1st (monthly periods since 1 October 2025, PerBKN 4/2025)."""
    return day if day.day == 1 else add_months(day, 1)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def regular_promotion(person: Person, today: date) -> list[Finding]:
    """The earliest regular (or structural) rank promotion and what stands in its way."""
    if person.employment_type == "PPPK":
        return [Finding("career.kp_pppk", basis="PP 49/2018", confidence="likely")]
    if person.grade not in PNS_GRADES:
        return [Finding("career.missing_grade")]
    if person.grade == PNS_GRADES[-1]:
        return [Finding("career.kp_top", {"grade": person.grade})]
    findings = []
    cap = EDUCATION_CAP.get(person.education)
    if (
        person.position_type == "pelaksana"
        and cap
        and grade_index(person.grade) >= grade_index(cap)
    ):
        basis = "PP 99/2000 Pasal 7 jo PP 12/2002"
        return [Finding("career.kp_capped", {"grade": person.grade, "education": person.education,
                                             "cap": cap}, basis, "likely")]  # fmt: skip
    earliest = first_of_month_on_or_after(add_years(person.grade_tmt, KP_YEARS))
    earliest = max(earliest, first_of_month_on_or_after(today))
    earliest, skp = _skp_check(person.ratings, earliest, today)
    findings.extend(skp)
    key = "career.kp_structural" if person.position_type != "pelaksana" else "career.kp_regular"
    next_grade = PNS_GRADES[grade_index(person.grade) + 1]
    findings.insert(0, Finding(key, {"date": earliest, "grade": person.grade, "next": next_grade,
                                     "since": person.grade_tmt},
                               "PP 99/2000 jo PP 12/2002; PerBKN 4/2025"))  # fmt: skip
    return findings


def _skp_check(ratings: dict[int, str], earliest: date, today: date) -> tuple[date, list[Finding]]:
    """SKP at least Baik in each of the two years before the proposal; moves the date if not."""
    findings = []
    for _ in range(10):
        years = (earliest.year - 2, earliest.year - 1)
        bad = [y for y in years if y in ratings and ratings[y] not in GOOD]
        if not bad:
            break
        worst = max(bad)
        findings.append(Finding("career.skp_below", {"year": worst, "predicate": ratings[worst]},
                                "PP 99/2000 jo PP 12/2002"))  # fmt: skip
        earliest = max(earliest, date(worst + 3, 1, 1))
    # Only years already assessed can be missing; this year's SKP is not final yet.
    needed = (earliest.year - 2, earliest.year - 1)
    missing = [y for y in needed if y not in ratings and y < today.year]
    if missing:
        findings.append(Finding("career.skp_missing", {"years": ", ".join(map(str, missing))}))
    return earliest, findings


def credit_points(person: Person, today: date) -> list[Finding]:
    """Credit points gathered by conversion since the current rank, and the dates they lead to."""
    level = person.functional_level
    if person.position_type != "fungsional" or level not in COEFFICIENT:
        return []
    start = max(person.grade_tmt, CONVERSION_START)
    earned, assumed = _points_between(start, today, level, person.ratings)
    need = NEXT_RANK_POINTS[level]
    top_of_level = person.grade == FUNCTIONAL_RANGE[level][1]
    findings = [Finding("career.ak_earned", {"points": round(earned, 2), "since": start,
                                              "coefficient": COEFFICIENT[level]},
                        "PermenPANRB 1/2023")]  # fmt: skip
    if person.grade_tmt < CONVERSION_START:
        findings.append(Finding("career.ak_before_2023"))
    if assumed:
        findings.append(Finding("career.ak_assumed", {"years": ", ".join(map(str, assumed))}))
    if top_of_level and level in NEXT_LEVEL:
        # Within a level every rank needs the same points, so the ranks already passed count too.
        passed = grade_index(person.grade) - grade_index(FUNCTIONAL_RANGE[level][0])
        in_level = passed * need + earned
        remaining = max(NEXT_LEVEL_POINTS[level] - in_level, 0.0)
        months = _months_needed(remaining, COEFFICIENT[level])
        values = {
            "level": NEXT_LEVEL[level],
            "need": NEXT_LEVEL_POINTS[level],
            "remaining": round(remaining, 2),
            "date": first_of_month_on_or_after(add_months(today, months)) if remaining else today,
        }
        findings.append(Finding("career.jf_next_level", values,
                                "PermenPANRB 1/2023; PerBKN 3/2023"))  # fmt: skip
    elif top_of_level:
        findings.append(Finding("career.jf_top"))
    else:
        remaining = max(need - earned, 0.0)
        months = _months_needed(remaining, COEFFICIENT[level])
        when = first_of_month_on_or_after(add_months(today, months)) if remaining else today
        values = {"need": need, "remaining": round(remaining, 2), "date": when}
        findings.append(Finding("career.ak_next_rank", values, "PermenPANRB 1/2023"))
    return findings


def _points_between(
    start: date, today: date, level: str, ratings: dict[int, str]
) -> tuple[float, list[int]]:
    """Points per month, by each year's predicate; years without one counted as Baik."""
    total, assumed = 0.0, []
    per_month = COEFFICIENT[level] / 12
    for year in range(start.year, today.year + 1):
        first = start if year == start.year else date(year, 1, 1)
        last_month = today.month - 1 if year == today.year else 12
        months = max(last_month - first.month + 1, 0)
        predicate = ratings.get(year)
        if predicate is None and months:
            assumed.append(year)
        total += months * per_month * PREDICATE_SHARE.get(predicate or "Baik", 1.0)
    return total, assumed


def _months_needed(remaining: float, coefficient: float) -> int:
    """Months of "Baik" performance that earn ``remaining`` points."""
    per_month = coefficient / 12
    months = int(remaining // per_month)
    return months if months * per_month >= remaining else months + 1


def retirement_age(person: Person) -> int:
    """BUP by position (PP 11/2017 Pasal 239)."""
    if person.position_type.startswith("jpt") or person.functional_level == "ahli_madya":
        return 60
    if person.functional_level == "ahli_utama":
        return 65
    return 58


def retirement(person: Person) -> list[Finding]:
    """The date the person reaches the retirement age, and the usual pension start after it."""
    if person.employment_type == "PPPK":
        return [Finding("career.bup_pppk", confidence="likely")]
    age = retirement_age(person)
    reached = add_years(person.birth_date, age)
    return [Finding("career.bup", {"age": age, "date": reached, "pension": add_months(reached, 1)},
                    "PP 11/2017 Pasal 239")]  # fmt: skip


def jpt_pratama(person: Person, today: date) -> list[Finding]:
    """Whether the person meets the JPT pratama requirements for open selection."""
    if person.employment_type == "PPPK":
        return []
    checks = {
        "education": _education_at_least(person.education, "S1"),
        "age": age_on(person.birth_date, today) <= 56,
        "prior": _prior_post_ok(person, today),
        "service": bool(person.cpns_tmt and add_years(person.cpns_tmt, 5) <= today),
    }
    missing = [name for name, ok in checks.items() if not ok]
    key = "career.jpt_ok" if not missing else "career.jpt_not_yet"
    values: dict[str, object] = {"missing": missing, "age": age_on(person.birth_date, today)}
    return [Finding(key, values, "PP 11/2017 Pasal 107 jo PP 17/2020; PermenPANRB 15/2019")]


def _prior_post_ok(person: Person, today: date) -> bool:
    senior = person.position_type in ("administrator", "jpt_pratama", "jpt_madya", "jpt_utama")
    senior = senior or person.functional_level in ("ahli_madya", "ahli_utama")
    return senior and add_years(person.position_tmt, 2) <= today


def _education_at_least(education: str, floor: str) -> bool:
    if education not in EDUCATION_ORDER:
        return False
    return EDUCATION_ORDER.index(education) >= EDUCATION_ORDER.index(floor)


def rotation_constraints(person: Person, today: date) -> list[Finding]:
    """Rules that limit moving this person: the 10-year rule and the JPT 2-year protection."""
    findings = []
    if person.cpns_tmt and person.cpns_tmt.year >= 2022:
        until = add_years(person.cpns_tmt, 11)  # 1 year as CPNS, then 10 years as PNS
        if until > today:
            basis = "PermenPANRB 27/2021 Pasal 52; PermenPANRB 6/2024 Pasal 59"
            findings.append(Finding("career.ten_year_rule", {"date": until}, basis))
    if person.position_type.startswith("jpt"):
        until = add_years(person.position_tmt, 2)
        if until > today:
            findings.append(Finding("career.jpt_two_years", {"date": until},
                                    "UU 5/2014 Pasal 116", "likely"))  # fmt: skip
    return findings or [Finding("career.no_rotation_limit")]
