"""The career rules as pure functions, table-driven, including awkward dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.career import eligibility as e
from bot.career.eligibility import Person

TODAY = date(2026, 11, 28)
GOOD = {2023: "Baik", 2024: "Baik", 2025: "Baik"}
PELAKSANA = Person(
    birth_date=date(1990, 5, 17), employment_type="PNS", position_type="pelaksana",
    functional_level=None, grade="III/a", grade_tmt=date(2023, 4, 1),
    position_tmt=date(2020, 1, 1), cpns_tmt=date(2015, 3, 1), education="S1", ratings=GOOD,
)  # fmt: skip
AHLI_PERTAMA = replace(PELAKSANA, position_type="fungsional", functional_level="ahli_pertama")


def keys(findings: list[e.Finding]) -> list[str]:
    return [f.key for f in findings]


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2000, 2, 29), 4, date(2004, 2, 29)),
        (date(2000, 2, 29), 1, date(2001, 2, 28)),
        (date(1968, 2, 29), 58, date(2026, 2, 28)),
        (date(2023, 1, 31), 4, date(2027, 1, 31)),
    ],
)
def test_adding_years_keeps_29_february_sensible(day: date, years: int, expected: date) -> None:
    assert e.add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2027, 4, 1), date(2027, 4, 1)), (date(2027, 4, 2), date(2027, 5, 1)),
     (date(2027, 12, 31), date(2028, 1, 1)), (date(2028, 2, 29), date(2028, 3, 1))],
)  # fmt: skip
def test_promotions_take_effect_on_the_first_of_a_month(day: date, expected: date) -> None:
    assert e.first_of_month_on_or_after(day) == expected


@pytest.mark.parametrize(
    ("grade_tmt", "ratings", "expected", "extra"),
    [
        # TMT on the 1st: exactly 4 years later, any month (monthly periods since Oct 2025).
        (date(2023, 4, 1), GOOD, date(2027, 4, 1), []),
        # TMT mid-month: the next 1st after 4 years.
        (date(2023, 4, 15), GOOD, date(2027, 5, 1), []),
        # A month-end TMT.
        (date(2022, 12, 31), GOOD, date(2027, 1, 1), []),
        # Already 4 years: the next monthly period from today.
        (date(2019, 10, 1), {2024: "Baik", 2025: "Sangat Baik"}, date(2026, 12, 1), []),
        # A "Butuh Perbaikan" year needs two good years after it.
        (date(2023, 4, 1), {2024: "Baik", 2025: "Butuh Perbaikan"}, date(2028, 1, 1),
         ["career.skp_below"]),
        # A missing, already-assessed SKP year is reported.
        (date(2021, 1, 1), {2024: "Baik"}, date(2026, 12, 1), ["career.skp_missing"]),
    ],
)  # fmt: skip
def test_regular_promotion_dates(
    grade_tmt: date, ratings: dict[int, str], expected: date, extra: list[str]
) -> None:
    person = replace(PELAKSANA, grade_tmt=grade_tmt, ratings=ratings)
    findings = e.regular_promotion(person, TODAY)
    assert findings[0].key == "career.kp_regular"
    assert findings[0].values["date"] == expected
    assert findings[0].values["next"] == "III/b"
    assert keys(findings[1:]) == extra


@pytest.mark.parametrize(
    ("education", "grade", "capped"),
    [("SMA", "III/b", True), ("SMA", "III/a", False), ("D3", "III/c", True),
     ("S1", "III/d", True), ("S2", "III/d", False), ("S2", "IV/a", True)],
)  # fmt: skip
def test_the_education_cap_stops_regular_promotion(
    education: str, grade: str, capped: bool
) -> None:
    person = replace(PELAKSANA, education=education, grade=grade)
    findings = e.regular_promotion(person, TODAY)
    assert (findings[0].key == "career.kp_capped") is capped


def test_pppk_and_the_top_rank_have_no_regular_promotion() -> None:
    assert keys(e.regular_promotion(replace(PELAKSANA, employment_type="PPPK"), TODAY)) == [
        "career.kp_pppk"
    ]
    assert keys(e.regular_promotion(replace(PELAKSANA, grade="IV/e"), TODAY)) == ["career.kp_top"]


def test_credit_points_come_from_the_yearly_conversion() -> None:
    # III/a since 1 April 2023: 9 months of 2023 + 2024 + 2025 at Baik, 10 months of 2026 assumed.
    findings = e.credit_points(AHLI_PERTAMA, TODAY)
    earned = findings[0]
    expected = 12.5 * (9 / 12 + 1 + 1 + 10 / 12)
    assert earned.values["points"] == round(expected, 2)
    assert "career.ak_assumed" in keys(findings)
    nxt = next(f for f in findings if f.key == "career.ak_next_rank")
    remaining = 50 - expected
    assert nxt.values["remaining"] == round(remaining, 2)
    assert nxt.values["date"] == date(2027, 4, 1)  # 16 more months at 12.5 a year


def test_sangat_baik_years_earn_half_as_much_again() -> None:
    person = replace(AHLI_PERTAMA, grade_tmt=date(2024, 1, 1),
                     ratings={2024: "Sangat Baik", 2025: "Sangat Baik"})  # fmt: skip
    earned = e.credit_points(person, date(2026, 1, 1))[0]
    assert earned.values["points"] == 37.5


def test_the_top_rank_of_a_level_points_to_the_next_level() -> None:
    # III/b since 1 Jan 2025: 50 points of III/a already passed + 12.5 (2025) + 10/12 of 12.5.
    person = replace(AHLI_PERTAMA, grade="III/b", grade_tmt=date(2025, 1, 1))
    level = next(f for f in e.credit_points(person, TODAY) if f.key == "career.jf_next_level")
    in_level = 50 + 12.5 + 12.5 * 10 / 12
    assert level.values["need"] == 100
    assert level.values["remaining"] == round(100 - in_level, 2)
    assert level.values["date"] == date(2029, 1, 1)  # 26 more months at 12.5 a year
    assert e.credit_points(PELAKSANA, TODAY) == []


@pytest.mark.parametrize(
    ("position", "level", "age"),
    [("pelaksana", None, 58), ("pengawas", None, 58), ("administrator", None, 58),
     ("jpt_pratama", None, 60), ("fungsional", "ahli_muda", 58), ("fungsional", "ahli_madya", 60),
     ("fungsional", "ahli_utama", 65), ("fungsional", "terampil", 58)],
)  # fmt: skip
def test_retirement_age_follows_the_position(position: str, level: str | None, age: int) -> None:
    person = replace(PELAKSANA, position_type=position, functional_level=level)
    assert e.retirement_age(person) == age


def test_retirement_date_for_a_29_february_birthday() -> None:
    person = replace(PELAKSANA, birth_date=date(1972, 2, 29))
    bup = e.retirement(person)[0]
    assert bup.values == {"age": 58, "date": date(2030, 2, 28), "pension": date(2030, 3, 1)}


@pytest.mark.parametrize(
    ("changes", "missing"),
    [
        ({}, []),
        ({"education": "D3"}, ["education"]),
        ({"birth_date": date(1969, 1, 1)}, ["age"]),
        ({"position_tmt": date(2025, 6, 1)}, ["prior"]),
        ({"position_type": "pengawas"}, ["prior"]),
    ],
)
def test_jpt_pratama_requirements(changes: dict[str, object], missing: list[str]) -> None:
    base = replace(PELAKSANA, position_type="administrator", position_tmt=date(2022, 1, 1),
                   birth_date=date(1975, 1, 1), education="S2")  # fmt: skip
    finding = e.jpt_pratama(replace(base, **changes), TODAY)[0]  # type: ignore[arg-type]
    assert finding.values["missing"] == missing
    assert finding.key == ("career.jpt_ok" if not missing else "career.jpt_not_yet")


def test_rotation_limits() -> None:
    new_pns = replace(PELAKSANA, cpns_tmt=date(2022, 6, 1))
    jpt = replace(PELAKSANA, position_type="jpt_pratama", position_tmt=date(2025, 9, 15))
    assert e.rotation_constraints(new_pns, TODAY)[0].values["date"] == date(2033, 6, 1)
    assert e.rotation_constraints(jpt, TODAY)[0].values["date"] == date(2027, 9, 15)
    assert keys(e.rotation_constraints(PELAKSANA, TODAY)) == ["career.no_rotation_limit"]
