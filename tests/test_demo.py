"""Demo data: realistic, valid, covering Jambi, deterministic and idempotent in the database."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from bot.career import catalog, demo, nip
from bot.career.ranks import grade_index, rank_range
from bot.context import Services
from bot.maintenance import seed
from db.models import CompetencyScore, Employee, PerformanceRating, Unit

PEOPLE = demo.generate(360)


def test_at_least_300_people_with_valid_unique_nips() -> None:
    assert len(PEOPLE) >= 300
    assert len({p.nip for p in PEOPLE}) == len(PEOPLE)
    for person in PEOPLE:
        info = nip.parse(person.nip, demo.REFERENCE, pppk=person.employment_type == "PPPK")
        assert info.birth_date == person.birth_date
        assert info.gender == person.gender


def test_everyone_is_spread_over_the_province_and_the_11_regencies_and_cities() -> None:
    regions = {u.code: u.region for u in catalog.units()}
    assert len(set(regions.values())) == 12
    assert {regions[p.unit_code] for p in PEOPLE} == set(regions.values())


def test_every_position_tier_and_both_employment_types_occur() -> None:
    tiers = Counter(p.position_type for p in PEOPLE)
    assert set(tiers) == set(demo.TIER_WEIGHTS)
    assert {p.employment_type for p in PEOPLE} == {"PNS", "PPPK"}
    assert {p.functional_level for p in PEOPLE if p.functional_level} >= {"ahli_pertama", "mahir"}


def test_ranks_fit_functional_levels_and_names_are_visibly_invented() -> None:
    for person in PEOPLE:
        assert person.name.split()[-1] in demo.INVENTED_FAMILY
        if person.employment_type == "PNS" and person.functional_level:
            low, high = rank_range(person.functional_level)
            assert grade_index(low) <= grade_index(person.grade) <= grade_index(high)


def test_the_demo_has_an_employee_for_every_case_the_career_answers_handle() -> None:
    from dataclasses import fields
    from datetime import date

    from bot.career import eligibility as e

    today = date(2026, 12, 3)
    people = demo.generate(360)
    names = {f.name for f in fields(e.Person)}

    def person(p: demo.DemoEmployee) -> e.Person:
        return e.Person(**{k: v for k, v in vars(p).items() if k in names})

    found = set()
    for p in people:
        findings = [*e.regular_promotion(person(p), today), *e.credit_points(person(p), today),
                    *e.retirement(person(p)), *e.jpt_pratama(person(p), today)]  # fmt: skip
        found |= {f.key for f in findings}
        if not p.competencies:
            found.add("not assessed")
    assert {
        "career.kp_regular_now", "career.kp_unverified", "career.pppk_contract",
        "career.pppk_contract_unknown", "career.ak_next_rank", "career.jpt_ok", "not assessed",
    } <= found  # fmt: skip
    jf_2024 = next(p for p in people if p.position_tmt == date(2024, 8, 1) and p.functional_level)
    assert e.credit_points(person(jf_2024), today)[0].values["since"] == date(2024, 8, 1)


def test_generation_is_deterministic() -> None:
    assert demo.generate(50) == PEOPLE[:50]


async def test_seeding_twice_adds_nothing_the_second_time(services: Services) -> None:
    first = await seed(services.sessions, 320)
    second = await seed(services.sessions, 320)
    async with services.sessions() as session:
        employees = await session.scalar(select(func.count()).select_from(Employee))
        ratings = await session.scalar(select(func.count()).select_from(PerformanceRating))
        scores = await session.scalar(select(func.count()).select_from(CompetencyScore))
        units = await session.scalar(select(func.count()).select_from(Unit))
    assert (first.added, first.total, second.added, second.total) == (320, 320, 0, 320)
    assert employees == 320
    assert ratings == sum(len(p.ratings) for p in demo.generate(320))
    assert scores is not None
    assert scores > 250 * 9
    assert units == len(catalog.units())
