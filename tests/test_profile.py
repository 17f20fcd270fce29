"""Competency gaps, the Job Person Match and training advice for one person, without Telegram."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.career import catalog, profile
from bot.career.eligibility import Person

TODAY = date(2026, 11, 28)
ASSESSED = date(2025, 5, 2)
PERSON = Person(
    birth_date=date(1985, 1, 1), employment_type="PNS", position_type="administrator",
    functional_level=None, grade="III/d", grade_tmt=date(2022, 4, 1),
    position_tmt=date(2022, 4, 1), cpns_tmt=date(2010, 3, 1), education="S1",
    ratings={2024: "Baik", 2025: "Baik"},
)  # fmt: skip


def make(scores: dict[str, int], **changes: object) -> profile.Profile:
    base = profile.Profile(
        employee_id=1, nip="198501012010031001", name="Contoh", employment_type="PNS",
        unit="BKD", region="Provinsi Jambi", position_name="Kepala Bidang",
        position_type="administrator", functional_level=None, grade="III/d",
        grade_tmt=date(2022, 4, 1), cpns_tmt=date(2010, 3, 1), education="S1", person=PERSON,
        hours={2026: 12}, scores={c: (lvl, ASSESSED) for c, lvl in scores.items()},
    )  # fmt: skip
    return replace(base, **changes)  # type: ignore[arg-type]


ALL = [c.code for c in catalog.competencies()]


def test_meeting_every_standard_is_a_full_match() -> None:
    report = profile.competency_report(make({c: 5 for c in ALL}))
    assert report.jpm == 100.0
    assert report.category == "memenuhi"
    assert all(r.gap == 0 for r in report.rows)
    assert report.assessed_on == ASSESSED


def test_gaps_and_the_match_are_computed_per_competency() -> None:
    # Administrator: managerial and socio-cultural level 3, technical 3 (typical standards).
    scores = {c: 3 for c in ALL} | {"integritas": 1, "komunikasi": 2}
    report = profile.competency_report(make(scores))
    gaps = {r.code: r.gap for r in report.rows if r.gap}
    assert gaps == {"integritas": 2, "komunikasi": 1}
    assert report.jpm == round(100 * (30 - 3) / 30, 1)
    assert report.category == "memenuhi"


@pytest.mark.parametrize(("level", "category"), [(3, "memenuhi"), (2, "kurang")])
def test_categories_follow_the_competency_test_bands(level: int, category: str) -> None:
    report = profile.competency_report(make({c: level for c in ALL}))
    assert report.category == category


def test_a_surplus_does_not_hide_a_gap_elsewhere() -> None:
    scores = {c: 5 for c in ALL} | {"pengambilan_keputusan": 1}
    report = profile.competency_report(make(scores))
    assert report.jpm == round(100 * (30 - 2) / 30, 1)


def test_no_assessment_means_no_match_yet() -> None:
    report = profile.competency_report(make({}))
    assert (report.jpm, report.category) == (None, None)


def test_training_closes_the_biggest_gap_first_and_counts_this_years_hours() -> None:
    scores = {c: 3 for c in ALL} | {"integritas": 1, "kerja_sama": 2}
    advice = profile.training_advice(make(scores), TODAY)
    first, gap = advice.recommended[0]
    assert gap == 2
    assert "integritas" in first.competencies
    covered = [g for _, g in advice.recommended]
    assert covered == sorted(covered, reverse=True)
    assert (advice.hours_this_year, advice.target, advice.pppk) == (12, 20, False)


def test_pppk_training_hours_are_capped_at_24() -> None:
    advice = profile.training_advice(make({}, employment_type="PPPK"), TODAY)
    assert (advice.target, advice.pppk) == (24, True)


def test_functional_staff_get_their_levels_standard() -> None:
    ahli_madya = make({}, position_type="fungsional", functional_level="ahli_madya")
    assert profile.required_level(ahli_madya) == 3
    assert profile.technical_level(ahli_madya) == 4


def test_no_assessment_invents_no_gap_and_aims_no_training() -> None:
    from zoneinfo import ZoneInfo

    from bot.career import views
    from bot.i18n import Translator

    person = make({})
    report = profile.competency_report(person)
    advice = profile.training_advice(person, TODAY)
    text = views.competencies(Translator(ZoneInfo("Asia/Jakarta")), "id", report).text
    assert report.jpm is None
    assert all(row.gap == 0 for row in report.rows)
    assert advice.recommended == ()
    assert advice.assessed is False
    assert "⚠️" not in text
    assert "standar level" in text
    assert "Belum ada hasil asesmen" in text


@pytest.mark.parametrize(
    ("changes", "allowed"),
    [
        # A PPPK: short courses only (at most 24 JP a year), no leadership training.
        (
            {
                "employment_type": "PPPK",
                "position_type": "fungsional",
                "functional_level": "ahli_muda",
            },
            lambda t: 0 < t.jp <= 24 and t.kind != "kepemimpinan",
        ),
        # A pelaksana is not sent to the leadership training of pengawas or administrators.
        ({"position_type": "pelaksana"}, lambda t: t.kind != "kepemimpinan"),
        # An administrator may get PKA but not PKP or PKN II.
        ({}, lambda t: t.id not in ("pkp", "pkn2")),
    ],
)
def test_training_fits_the_employment_type_and_the_post(
    changes: dict[str, object], allowed: object
) -> None:
    person = make({c: 1 for c in ALL}, **changes)
    advice = profile.training_advice(person, TODAY)
    assert advice.recommended
    assert all(allowed(t) for t, _ in advice.recommended)  # type: ignore[operator]
