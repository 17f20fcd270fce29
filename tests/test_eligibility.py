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
    ("grade_tmt", "ratings", "key", "expected", "extra"),
    [
        # TMT on the 1st: exactly 4 years later, any month (monthly periods since Oct 2025).
        (date(2023, 4, 1), GOOD, "career.kp_regular", date(2027, 4, 1), []),
        # TMT mid-month: the next 1st after 4 years.
        (date(2023, 4, 15), GOOD, "career.kp_regular", date(2027, 5, 1), []),
        # A month-end TMT.
        (date(2022, 12, 31), GOOD, "career.kp_regular", date(2027, 1, 1), []),
        # 4 years ended long ago: met now, the next period is the 1st of next month.
        (date(2019, 2, 1), {2024: "Baik", 2025: "Sangat Baik"}, "career.kp_regular_now",
         date(2026, 12, 1), []),
        # Due exactly at the next period counts as met now.
        (date(2022, 12, 1), GOOD, "career.kp_regular_now", date(2026, 12, 1), []),
        # A "Butuh Perbaikan" year needs two good years after it.
        # (submitted about two months before the TMT, when that year's SKP is final).
        (date(2023, 4, 1), {2024: "Baik", 2025: "Butuh Perbaikan"}, "career.kp_regular",
         date(2028, 3, 1), ["career.skp_below"]),
        # A missing, already-assessed SKP year: the time requirement only, no verified date.
        (date(2021, 1, 1), {2024: "Baik"}, "career.kp_unverified", date(2026, 12, 1), []),
        # Both years missing: both named, never assumed good.
        (date(2021, 1, 1), {2023: "Baik"}, "career.kp_unverified", date(2026, 12, 1), []),
    ],
)  # fmt: skip
def test_regular_promotion_dates(
    grade_tmt: date, ratings: dict[int, str], key: str, expected: date, extra: list[str]
) -> None:
    person = replace(PELAKSANA, grade_tmt=grade_tmt, ratings=ratings)
    findings = e.regular_promotion(person, TODAY)
    assert findings[0].key == key
    assert findings[0].values["date"] == expected
    assert expected.day == 1
    assert findings[0].values["next"] == "III/b"
    assert keys(findings[1:]) == extra


def test_missing_skp_years_are_all_named() -> None:
    person = replace(PELAKSANA, grade_tmt=date(2021, 1, 1), ratings={2023: "Baik"})
    finding = e.regular_promotion(person, TODAY)[0]
    assert finding.values["years"] == "2024, 2025"
    assert finding.values["due"] == date(2025, 1, 1)


@pytest.mark.parametrize(
    ("position", "grade_tmt", "key"),
    [("pengawas", date(2023, 4, 1), "career.kp_structural"),
     ("administrator", date(2019, 4, 1), "career.kp_structural_now")],
)  # fmt: skip
def test_officials_are_offered_no_rank_beyond_their_post(
    position: str, grade_tmt: date, key: str
) -> None:
    person = replace(PELAKSANA, position_type=position, grade="IV/b", grade_tmt=grade_tmt)
    finding = e.regular_promotion(person, TODAY)[0]
    assert finding.key == key
    assert "next" not in finding.values
    assert finding.confidence == "likely"


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


def test_credit_points_come_from_the_finished_years_and_project_this_year() -> None:
    # III/a since 1 April 2023: 9 months of 2023 + 2024 + 2025 at Baik = 34.375 earned;
    # 2026 to the end of October is a projection at Baik, not earned.
    findings = e.credit_points(AHLI_PERTAMA, TODAY)
    earned = findings[0]
    expected = 12.5 * (9 / 12 + 1 + 1)
    assert earned.values["points"] == round(expected, 2)
    assert earned.values["projected"] == round(12.5 * 10 / 12, 2)
    assert earned.values["until"] == date(2025, 12, 31)
    nxt = findings[-1]
    assert nxt.key == "career.ak_next_rank"
    assert nxt.values["remaining"] == round(50 - expected, 2)
    # 15.625 more at 12.5 a year from 1 Jan 2026: 15 months, the TMT is 1 April 2027.
    assert nxt.values["date"] == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("grade_tmt", "position_tmt", "since", "integration_note"),
    [
        # A pelaksana until 1 Aug 2024 who became JF: points from then only, no PAK integrasi.
        (date(2021, 4, 1), date(2024, 8, 1), date(2024, 8, 1), False),
        # Mid-month appointment: the first whole month.
        (date(2021, 4, 1), date(2024, 8, 15), date(2024, 9, 1), False),
        # In the JF and the rank since before 2023: from 1 Jan 2023, older points need the PAK.
        (date(2021, 4, 1), date(2020, 1, 1), date(2023, 1, 1), True),
        # A promotion after 2023 restarts the count for the next rank.
        (date(2024, 4, 1), date(2020, 1, 1), date(2024, 4, 1), False),
    ],
)
def test_credit_points_count_only_while_holding_the_jf_level(
    grade_tmt: date, position_tmt: date, since: date, integration_note: bool
) -> None:
    person = replace(AHLI_PERTAMA, grade_tmt=grade_tmt, position_tmt=position_tmt)
    findings = e.credit_points(person, TODAY)
    assert findings[0].values["since"] == since
    assert ("career.ak_before_2023" in keys(findings)) is integration_note


def test_the_jf_appointed_in_august_2024_has_not_reached_50_points() -> None:
    person = replace(AHLI_PERTAMA, grade_tmt=date(2021, 4, 1), position_tmt=date(2024, 8, 1))
    findings = e.credit_points(person, TODAY)
    earned = 12.5 * (5 / 12 + 1)  # Aug-Dec 2024 and 2025
    assert findings[0].values["points"] == round(earned, 2)
    assert findings[-1].key == "career.ak_next_rank"
    assert findings[-1].values["remaining"] == round(50 - earned, 2)


def test_reached_points_give_the_next_possible_tmt_not_today() -> None:
    person = replace(AHLI_PERTAMA, grade_tmt=date(2022, 1, 1), position_tmt=date(2022, 1, 1),
                     ratings=dict.fromkeys((2023, 2024, 2025), "Sangat Baik"))  # fmt: skip
    last = e.credit_points(person, TODAY)[-1]
    assert last.key == "career.ak_next_rank_reached"
    assert last.values["date"] == date(2026, 12, 1)


def test_missing_skp_years_are_not_counted_and_no_date_is_given() -> None:
    person = replace(AHLI_PERTAMA, ratings={2023: "Baik"})
    findings = e.credit_points(person, TODAY)
    assert findings[0].values["points"] == round(12.5 * 9 / 12, 2)
    assert next(f for f in findings if f.key == "career.ak_missing").values["years"] == (
        "2024, 2025"
    )
    assert findings[-1].key == "career.ak_next_rank_unknown"
    assert "date" not in findings[-1].values


def test_sangat_baik_years_earn_half_as_much_again() -> None:
    person = replace(AHLI_PERTAMA, grade_tmt=date(2024, 1, 1),
                     ratings={2024: "Sangat Baik", 2025: "Sangat Baik"})  # fmt: skip
    earned = e.credit_points(person, date(2026, 1, 1))[0]
    assert earned.values["points"] == 37.5


def test_the_top_rank_of_a_level_points_to_the_next_level() -> None:
    # III/b since 1 Jan 2025: 50 points of III/a already passed + 12.5 (2025).
    person = replace(AHLI_PERTAMA, grade="III/b", grade_tmt=date(2025, 1, 1))
    level = e.credit_points(person, TODAY)[-1]
    in_level = 50 + 12.5
    assert level.key == "career.jf_next_level"
    assert level.values["need"] == 100
    assert level.values["remaining"] == round(100 - in_level, 2)
    assert level.values["date"] == date(2029, 1, 1)  # 36 months at 12.5 a year from 2026
    assert e.credit_points(PELAKSANA, TODAY) == []


def test_pppk_get_no_credit_point_projection_nor_promotion() -> None:
    pppk = replace(AHLI_PERTAMA, employment_type="PPPK", grade="IX")
    assert e.credit_points(pppk, TODAY) == []
    assert keys(e.regular_promotion(pppk, TODAY)) == ["career.kp_pppk"]


@pytest.mark.parametrize(
    ("contract_end", "key"),
    [(date(2027, 2, 28), "career.pppk_contract"), (None, "career.pppk_contract_unknown")],
)
def test_a_pppk_is_told_the_contract_end_or_that_it_is_not_in_the_data(
    contract_end: date | None, key: str
) -> None:
    pppk = replace(PELAKSANA, employment_type="PPPK", grade="IX", contract_end=contract_end)
    finding = e.retirement(pppk)[0]
    assert finding.key == key
    assert finding.values.get("date") == contract_end


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
    pppk = replace(PELAKSANA, employment_type="PPPK", cpns_tmt=None)
    interval = e.rotation_constraints(PELAKSANA, TODAY)[0]
    assert interval.key == "career.rotation_interval"
    assert interval.basis == "PP 11/2017 Pasal 190 ayat (3)"
    assert (interval.values["earliest"], interval.values["latest"]) == (
        date(2022, 1, 1), date(2025, 1, 1))  # fmt: skip
    ten = next(
        f for f in e.rotation_constraints(new_pns, TODAY) if f.key == "career.ten_year_rule"
    )
    assert ten.values["date"] == date(2033, 6, 1)
    two = next(f for f in e.rotation_constraints(jpt, TODAY) if f.key == "career.jpt_two_years")
    assert two.values["date"] == date(2027, 9, 15)
    assert "UU 20/2023" in two.basis
    assert keys(e.rotation_constraints(pppk, TODAY))[0] == "career.rotation_pppk"
    for person in (PELAKSANA, new_pns, jpt, pppk):
        assert keys(e.rotation_constraints(person, TODAY))[-1] == "career.rotation_election"


def test_a_sitting_jpt_meets_the_prior_post_requirement() -> None:
    jpt = replace(PELAKSANA, position_type="jpt_pratama", position_tmt=date(2025, 3, 3),
                  birth_date=date(1972, 8, 17), education="S2")  # fmt: skip
    assert e.jpt_pratama(jpt, TODAY)[0].key == "career.jpt_ok"


@pytest.mark.parametrize(
    ("changes", "key", "post", "missing"),
    [
        ({"position_tmt": date(2020, 1, 1)}, "career.post_ok", "pengawas", []),
        ({"position_tmt": date(2024, 1, 1)}, "career.post_not_yet", "pengawas", ["years_4"]),
        ({"education": "SMA"}, "career.post_not_yet", "pengawas", ["education_d3"]),
        ({"position_type": "pengawas", "position_tmt": date(2022, 1, 1)}, "career.post_ok",
         "administrator", []),
        ({"position_type": "pengawas", "education": "D3", "position_tmt": date(2025, 1, 1)},
         "career.post_not_yet", "administrator", ["education_s1", "years_3"]),
    ],
)  # fmt: skip
def test_the_next_administrative_post(
    changes: dict[str, object], key: str, post: str, missing: list[str]
) -> None:
    finding = e.structural_post(replace(PELAKSANA, **changes), TODAY)[0]  # type: ignore[arg-type]
    assert (finding.key, finding.values["post"], finding.values["missing"]) == (key, post, missing)
    assert e.structural_post(replace(PELAKSANA, position_type="administrator"), TODAY) == []
