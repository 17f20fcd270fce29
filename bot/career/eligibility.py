"""What the career rules say about one person: pure functions of their data and a date.

Every result is a list of findings: a gettext key, the values for its placeholders, the regulation
and a confidence mark, so views can render them and tests can check them without Telegram.

Where each figure comes from (the brief, ../shared/domain/asn_rules.md, section in brackets):

- 4 years in rank, SKP at least Baik in the last 2 years [2]: PP 99/2000 jo PP 12/2002
- TMT on the 1st of any month, the next period the 1st of next month [2]: PerBKN 4/2025
- the highest regular rank by education, EDUCATION_CAP [2]: PP 99/2000 Pasal 7 jo PP 12/2002
- AK coefficients, predicate shares, points per rank and level [3c]: PermenPANRB 1/2023,
  PerBKN 3/2023; AK counted from 1 Jan 2023 and only in the JF level, older points by PAK
  integrasi: SE MenPANRB 8/2023
- BUP 58, 60 or 65 [4]: PP 11/2017 Pasal 239
- PPPK: no KP, a work agreement instead of a BUP [2, 19]: PP 49/2018
- pengawas D-III and 4 years, administrator S1/D-IV and 3 years [3a]: PP 11/2017 Pasal 54 jo
  PP 17/2020
- JPT pratama S1, at most 56, 5 years, administrator or ahli madya for 2 years [3b]:
  PP 11/2017 Pasal 107 jo PP 17/2020
- a mutasi after 2 and within 5 years in a post [1]: PP 11/2017 Pasal 190 ayat (3)
- 10 years before moving agency on one's own request [1]: PermenPANRB 27/2021 Pasal 52,
  PermenPANRB 6/2024 Pasal 59
- a JPT not replaced within 2 years [1]: UU 5/2014 Pasal 116 jo UU 20/2023
- no replacements around regional elections [1]: UU 10/2016 Pasal 71 (2) and 162 (3)
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
    contract_end: date | None = None  # PPPK: the end of the work agreement, when HR imported it


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


def next_period(today: date) -> date:
    """The earliest TMT a proposal made now can get: the 1st of next month (PerBKN 4/2025)."""
    return add_months(today, 1)


def regular_promotion(person: Person, today: date) -> list[Finding]:
    """The earliest regular (or structural) rank promotion and what stands in its way.

    4 years in the rank and SKP at least Baik in the two years before (PP 99/2000 jo PP 12/2002);
    TMT on the 1st of any month (PerBKN 4/2025). A missing SKP year is never assumed good: the
    date of the time requirement is given, and the check of the SKP is said to be impossible.
    """
    if person.employment_type == "PPPK":
        return [Finding("career.kp_pppk", basis="PP 49/2018", confidence="likely")]
    if person.grade not in PNS_GRADES:
        return [Finding("career.missing_grade")]
    if person.grade == PNS_GRADES[-1]:
        return [Finding("career.kp_top", {"grade": person.grade})]
    cap = EDUCATION_CAP.get(person.education)
    if (
        person.position_type == "pelaksana"
        and cap
        and grade_index(person.grade) >= grade_index(cap)
    ):
        basis = "PP 99/2000 Pasal 7 jo PP 12/2002"
        return [Finding("career.kp_capped", {"grade": person.grade, "education": person.education,
                                             "cap": cap}, basis, "likely")]  # fmt: skip
    due = first_of_month_on_or_after(add_years(person.grade_tmt, KP_YEARS))
    now = due <= next_period(today)
    earliest, skp, missing = _skp_check(person.ratings, max(due, next_period(today)), today)
    structural = person.position_type != "pelaksana"
    basis = "PP 99/2000 jo PP 12/2002; PerBKN 4/2025"
    values: dict[str, object] = {
        "date": earliest,
        "grade": person.grade,
        "since": person.grade_tmt,
    }
    if not structural:
        values["next"] = PNS_GRADES[grade_index(person.grade) + 1]
    if missing:
        values |= {"years": ", ".join(map(str, missing)), "due": due}
        key = "career.kp_unverified"
    elif structural:
        key = "career.kp_structural_now" if now and not skp else "career.kp_structural"
    else:
        key = "career.kp_regular_now" if now and not skp else "career.kp_regular"
    # Officials rise within their post's rank range, which the data does not hold: the bot
    # names no next rank for them (PP 99/2000 Pasal 8).
    confidence = "likely" if structural else "sure"
    return [Finding(key, values, basis, confidence), *skp]


def _skp_check(
    ratings: dict[int, str], earliest: date, today: date
) -> tuple[date, list[Finding], list[int]]:
    """SKP at least Baik in each of the two years before the proposal; moves the date if not.

    Returns the date, findings for years below Baik, and the assessed years with no SKP in the
    data (this year's SKP is not final yet, so it is never missing).
    """
    findings = []
    for _ in range(10):
        years = _years_checked(earliest)
        bad = [y for y in years if y in ratings and ratings[y] not in GOOD]
        if not bad:
            break
        worst = max(bad)
        findings.append(Finding("career.skp_below", {"year": worst, "predicate": ratings[worst]},
                                "PP 99/2000 jo PP 12/2002"))  # fmt: skip
        # Two good years after it, the later one final when the proposal is made.
        earliest = max(earliest, date(worst + 3, 3, 1))
    missing = [y for y in _years_checked(earliest) if y not in ratings and y < today.year]
    return earliest, findings, missing


def _years_checked(tmt: date) -> tuple[int, int]:
    """The two SKP years a proposal for ``tmt`` is checked against: the last two final ones
    when it is submitted, about two months before the TMT."""
    submitted = add_months(tmt, -2)
    return submitted.year - 2, submitted.year - 1


def credit_points(person: Person, today: date) -> list[Finding]:
    """Credit points by conversion while holding this JF level, and what they lead to.

    AK konversi accrues only in the JF at this level: from the later of 1 Jan 2023, the TMT of
    the level (TMT jabatan) and the TMT of the current rank, in whole months (PermenPANRB
    1/2023). Finished years count with their SKP predicate; a year without one is not counted
    and is named. This year's months are a projection at "Baik". PPPK have no AK-based rank.
    """
    level = person.functional_level
    if (
        person.employment_type == "PPPK"
        or person.position_type != "fungsional"
        or level not in COEFFICIENT
    ):
        return []
    start = first_of_month_on_or_after(
        max(CONVERSION_START, person.grade_tmt, person.position_tmt)
    )
    earned, missing = _points_of_finished_years(start, today, level, person.ratings)
    this_year = _months_this_year(start, today) * COEFFICIENT[level] / 12
    findings = [Finding("career.ak_earned", {"points": round(earned, 2), "since": start,
                                              "until": date(today.year - 1, 12, 31),
                                              "projected": round(this_year, 2),
                                              "coefficient": COEFFICIENT[level]},
                        "PermenPANRB 1/2023")]  # fmt: skip
    if max(person.grade_tmt, person.position_tmt) < CONVERSION_START:
        findings.append(Finding("career.ak_before_2023", basis="SE MenPANRB 8/2023"))
    if missing:
        findings.append(Finding("career.ak_missing", {"years": ", ".join(map(str, missing))}))
    findings.append(_next_step(person, today, earned, this_year, bool(missing)))
    return findings


def _next_step(
    person: Person, today: date, earned: float, this_year: float, data_missing: bool
) -> Finding:
    """The next rank, or the next level at the top rank of a level, from the points."""
    level = person.functional_level
    assert level is not None
    low, high = FUNCTIONAL_RANGE[level]
    if person.grade == high and level not in NEXT_LEVEL:
        return Finding("career.jf_top")
    if person.grade == high:
        # Within a level every rank needs the same points, so the ranks passed count too.
        passed = grade_index(person.grade) - grade_index(low)
        need = NEXT_LEVEL_POINTS[level]
        have = passed * NEXT_RANK_POINTS[level] + earned
        values: dict[str, object] = {"level": NEXT_LEVEL[level], "need": need}
        keys = (
            "career.jf_next_level",
            "career.jf_next_level_reached",
            "career.jf_next_level_unknown",
        )
    else:
        need, have = NEXT_RANK_POINTS[level], earned
        values = {"need": need}
        keys = (
            "career.ak_next_rank",
            "career.ak_next_rank_reached",
            "career.ak_next_rank_unknown",
        )
    basis = "PermenPANRB 1/2023; PerBKN 3/2023; PerBKN 4/2025"
    if have >= need:
        return Finding(keys[1], values | {"date": next_period(today)}, basis)
    remaining = need - have
    if data_missing:
        return Finding(keys[2], values | {"remaining": round(remaining, 2)}, basis)
    # Projected at "Baik" from the start of this year; the TMT is the 1st after it is reached.
    months = _months_needed(remaining, COEFFICIENT[level])
    when = max(add_months(date(today.year, 1, 1), months), next_period(today))
    return Finding(keys[0], values | {"remaining": round(remaining, 2), "date": when}, basis)


def _points_of_finished_years(
    start: date, today: date, level: str, ratings: dict[int, str]
) -> tuple[float, list[int]]:
    """Points of the finished years since ``start`` by each year's predicate, and the years
    with no predicate in the data (not counted: missing data is never assumed good)."""
    total, missing = 0.0, []
    per_month = COEFFICIENT[level] / 12
    for year in range(start.year, today.year):
        months = 12 - (start.month - 1 if year == start.year else 0)
        predicate = ratings.get(year)
        if predicate is None:
            missing.append(year)
            continue
        total += months * per_month * PREDICATE_SHARE.get(predicate, 1.0)
    return total, missing


def _months_this_year(start: date, today: date) -> int:
    """Whole months of this year already served in the level (to the end of last month)."""
    first = start if start.year == today.year else date(today.year, 1, 1)
    return max(today.month - first.month, 0) if first <= today else 0


def _months_needed(remaining: float, coefficient: float) -> int:
    """Months of "Baik" performance that earn ``remaining`` points."""
    per_month = coefficient / 12
    months = int(remaining // per_month)
    # A tolerance for binary fractions: 14 months of 12.5/12 are exactly 14.58 points.
    return months if months * per_month >= remaining - 1e-9 else months + 1


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
        if person.contract_end is None:
            return [Finding("career.pppk_contract_unknown", basis="PP 49/2018")]
        return [Finding("career.pppk_contract", {"date": person.contract_end}, "PP 49/2018")]
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


def structural_post(person: Person, today: date) -> list[Finding]:
    """Whether the person meets the basic requirements of the next administrative post
    (PP 11/2017 Pasal 54 jo PP 17/2020): pengawas after 4 years as pelaksana or in a JF with
    at least D-III; administrator after 3 years as pengawas with at least S1/D-IV. Only the
    current post is in the data, so its years are a lower bound."""
    if person.employment_type == "PPPK":
        return []
    if person.position_type in ("pelaksana", "fungsional"):
        target, floor, years = "pengawas", "D3", 4
    elif person.position_type == "pengawas":
        target, floor, years = "administrator", "S1", 3
    else:
        return []
    missing = []
    if not _education_at_least(person.education, floor):
        missing.append(f"education_{floor.lower()}")
    if add_years(person.position_tmt, years) > today:
        missing.append(f"years_{years}")
    values: dict[str, object] = {"post": target, "since": person.position_tmt,
                                 "missing": missing}  # fmt: skip
    key = "career.post_ok" if not missing else "career.post_not_yet"
    return [Finding(key, values, "PP 11/2017 Pasal 54 jo PP 17/2020", "likely")]


def _prior_post_ok(person: Person, today: date) -> bool:
    """Administrator or JF ahli madya (or higher) for 2 years; a sitting JPT already holds the
    post the requirement leads to."""
    if person.position_type.startswith("jpt"):
        return True
    senior = person.position_type == "administrator"
    senior = senior or person.functional_level in ("ahli_madya", "ahli_utama")
    return senior and add_years(person.position_tmt, 2) <= today


def _education_at_least(education: str, floor: str) -> bool:
    if education not in EDUCATION_ORDER:
        return False
    return EDUCATION_ORDER.index(education) >= EDUCATION_ORDER.index(floor)


def rotation_constraints(person: Person, today: date) -> list[Finding]:
    """What limits moving this person: the 2-5 year interval, the 10-year rule, PPPK, the JPT
    2-year protection and the election bans (the corrected brief, sections 1 and 19)."""
    if person.employment_type == "PPPK":
        findings = [Finding("career.rotation_pppk", basis="PP 49/2018; PermenPANRB 6/2024 "
                            "Pasal 57 ayat (5)", confidence="likely")]  # fmt: skip
    else:
        values: dict[str, object] = {"since": person.position_tmt,
                  "earliest": add_years(person.position_tmt, 2),
                  "latest": add_years(person.position_tmt, 5)}  # fmt: skip
        findings = [Finding("career.rotation_interval", values, "PP 11/2017 Pasal 190 ayat (3)")]
    if person.cpns_tmt and person.cpns_tmt.year >= 2022:
        until = add_years(person.cpns_tmt, 11)  # 1 year as CPNS, then 10 years as PNS
        if until > today:
            basis = "PermenPANRB 27/2021 Pasal 52; PermenPANRB 6/2024 Pasal 59"
            findings.append(Finding("career.ten_year_rule", {"date": until}, basis))
    if person.position_type.startswith("jpt"):
        until = add_years(person.position_tmt, 2)
        if until > today:
            findings.append(Finding("career.jpt_two_years", {"date": until},
                                    "UU 5/2014 Pasal 116 jo UU 20/2023", "likely"))  # fmt: skip
    findings.append(Finding("career.rotation_election", basis="UU 10/2016 Pasal 71 ayat (2) "
                            "dan Pasal 162 ayat (3)"))  # fmt: skip
    return findings
