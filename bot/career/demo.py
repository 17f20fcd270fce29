"""Fictional but realistic demo employees: deterministic, so seeding twice adds nothing.

Names are visibly invented (family names such as "Fiktifsyah"); NIPs follow the real 18-digit
structure. Generation uses a fixed reference date, not today, so the same rows come out every day.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.career import catalog, nip
from bot.career.eligibility import EDUCATION_CAP, add_years
from bot.career.ranks import PNS_GRADES, grade_index, rank_range, start_grade

REFERENCE = date(2026, 11, 1)
SEED = 20261128

GIVEN_MALE = (
    "Ahmad", "Rahmat", "Budi", "Hendra", "Fajar", "Rizki", "Agus", "Yusuf", "Dedi", "Irwan",
    "Arif", "Syahrul", "Zulkifli", "Taufik", "Herman", "Andi", "Bayu", "Eko", "Hasan", "Joko",
)  # fmt: skip
GIVEN_FEMALE = (
    "Siti", "Dewi", "Rina", "Nurul", "Fitri", "Yulia", "Rahmah", "Wulan", "Indah", "Maya",
    "Lestari", "Novita", "Ratna", "Sri", "Ayu", "Putri", "Aisyah", "Hafizah", "Melati", "Zahra",
)  # fmt: skip
INVENTED_FAMILY = (
    "Fiktifsyah", "Contohwijaya", "Rekaputra", "Samarandi", "Khayalsari", "Demonanda",
    "Simulasiah", "Andaikata", "Bayangkara", "Rekaanto", "Misalputri", "Ilustrasia",
    "Sandiwarna", "Cerminata", "Fiksiani", "Umpamaraja",
)  # fmt: skip

# Tier weights for a regional government: many functional and pelaksana, few leaders.
TIER_WEIGHTS = {
    "fungsional": 45, "pelaksana": 30, "pengawas": 12, "administrator": 8,
    "jpt_pratama": 4, "jpt_madya": 1,
}  # fmt: skip
FUNCTIONAL_JOBS = (
    ("Guru", ("ahli_pertama", "ahli_muda", "ahli_madya")),
    ("Perawat", ("terampil", "mahir", "penyelia", "ahli_pertama", "ahli_muda")),
    ("Analis Sumber Daya Manusia Aparatur", ("ahli_pertama", "ahli_muda", "ahli_madya")),
    ("Perencana", ("ahli_pertama", "ahli_muda", "ahli_madya", "ahli_utama")),
    ("Pranata Komputer", ("terampil", "mahir", "ahli_pertama", "ahli_muda")),
    ("Arsiparis", ("pemula", "terampil", "mahir", "ahli_pertama")),
    ("Auditor", ("ahli_pertama", "ahli_muda", "ahli_madya")),
    ("Penyuluh Pertanian", ("terampil", "mahir", "ahli_pertama", "ahli_muda")),
)
LEVEL_NAMES = {
    "pemula": "Pemula", "terampil": "Terampil", "mahir": "Mahir", "penyelia": "Penyelia",
    "ahli_pertama": "Ahli Pertama", "ahli_muda": "Ahli Muda", "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama",
}  # fmt: skip
POSITIONS = {
    "jpt_madya": ("Sekretaris Daerah",),
    "jpt_pratama": ("Kepala Dinas", "Kepala Badan", "Asisten Sekretaris Daerah", "Kepala Biro"),
    "administrator": ("Kepala Bidang", "Sekretaris Dinas", "Kepala Bagian"),
    "pengawas": ("Kepala Seksi", "Kepala Subbagian Umum dan Kepegawaian", "Kepala UPTD"),
    "pelaksana": (
        "Pengadministrasi Perkantoran", "Penata Layanan Operasional",
        "Pengolah Data dan Informasi", "Pengelola Umum Operasional",
        "Operator Layanan Operasional",
    ),
}  # fmt: skip
TIER_GRADES = {
    "jpt_madya": ("IV/c", "IV/e"), "jpt_pratama": ("IV/a", "IV/c"),
    "administrator": ("III/d", "IV/b"), "pengawas": ("III/b", "III/d"),
}  # fmt: skip
TIER_MIN_EDUCATION = {
    "jpt_madya": "S2", "jpt_pratama": "S1", "administrator": "S1", "pengawas": "D3",
}  # fmt: skip
EDUCATION_ORDER = ("SD", "SMP", "SMA", "D3", "S1", "S2", "S3")
PREDICATES = ("Sangat Baik", "Baik", "Baik", "Baik", "Baik", "Butuh Perbaikan")
PPPK_GRADES = {"SMA": "V", "D3": "VII", "S1": "IX", "S2": "X"}
REQUIRED_LEVEL = {
    "pelaksana": 1, "pengawas": 2, "administrator": 3, "jpt_pratama": 4, "jpt_madya": 5,
    "fungsional": 2,
}  # fmt: skip


@dataclass
class DemoEmployee:
    nip: str
    name: str
    employment_type: str
    gender: str
    birth_date: date
    unit_code: str
    position_name: str
    position_type: str
    functional_level: str | None
    grade: str
    grade_tmt: date
    position_tmt: date
    cpns_tmt: date | None
    education: str
    contract_end: date | None = None
    ratings: dict[int, str] = field(default_factory=dict)
    competencies: dict[str, tuple[int, date]] = field(default_factory=dict)
    hours: dict[int, int] = field(default_factory=dict)


def generate(count: int) -> list[DemoEmployee]:
    """``count`` employees; the same count always gives the same people."""
    rng = random.Random(SEED)
    units = catalog.units()
    seen: set[str] = set()
    people = []
    for index, tier in zip(range(count), _tiers(rng), strict=False):
        person = _employee(rng, tier, rng.choice(units).code, index)
        if index in SHOWCASE:
            person = SHOWCASE[index](units[index % len(units)].code)
        elif person.employment_type == "PPPK" and index % 5:  # every fifth PPPK: no contract data
            person.contract_end = add_years(person.position_tmt, 5) - timedelta(days=1)
        while person.nip in seen:
            person.nip = person.nip[:15] + f"{int(person.nip[15:]) + 1:03d}"
        seen.add(person.nip)
        people.append(person)
    return people


def _tiers(rng: random.Random) -> Iterator[str]:
    yield from TIER_WEIGHTS  # every tier at least once
    names, weights = list(TIER_WEIGHTS), list(TIER_WEIGHTS.values())
    while True:
        yield rng.choices(names, weights)[0]


def _employee(rng: random.Random, tier: str, unit_code: str, index: int) -> DemoEmployee:
    gender = rng.choice("LP")
    pppk = tier in ("fungsional", "pelaksana") and rng.random() < 0.18
    level, job = _functional(rng) if tier == "fungsional" else (None, "")
    education = _education(rng, tier, level)
    grade = PPPK_GRADES[education] if pppk else _grade(rng, tier, level, education)
    steps = 0 if pppk else grade_index(grade) - grade_index(start_grade(education))
    age_at_start = rng.randint(22, 29) if not pppk else rng.randint(25, 40)
    service = min(max(4 * steps + rng.randint(0, 3), 1), 57 - age_at_start)
    start = _first_of_month(REFERENCE.year - service, rng)
    if pppk:
        start = date(rng.randint(2019, 2024), rng.choice((1, 3, 10)), 1)
    birth = _birth(rng, start, age_at_start)
    grade_tmt = _first_of_month(min(start.year + 4 * steps, REFERENCE.year), rng)
    position_tmt = _first_of_month(rng.randint(max(start.year, REFERENCE.year - 6), 2025), rng)
    return DemoEmployee(
        nip=nip.build(birth, start, gender, 1 + index % 3, pppk=pppk),
        name=_name(rng, gender),
        employment_type="PPPK" if pppk else "PNS",
        gender=gender,
        birth_date=birth,
        unit_code=unit_code,
        position_name=_position(rng, tier, job, level),
        position_type=tier,
        functional_level=level,
        grade=grade,
        grade_tmt=min(max(grade_tmt, start), REFERENCE) if not pppk else start,
        position_tmt=max(position_tmt, start),
        cpns_tmt=None if pppk else start,
        education=education,
        ratings={year: rng.choice(PREDICATES) for year in (2023, 2024, 2025)},
        competencies=_competencies(rng, tier),
        hours={2025: rng.randint(8, 48), 2026: rng.randint(0, 36)},
    )


def _jf_since_2024(unit: str) -> DemoEmployee:
    """A pelaksana who became JF Ahli Pertama on 1 August 2024: AK counts from then only."""
    start, birth = date(2017, 3, 1), date(1993, 6, 14)
    return DemoEmployee(
        nip.build(birth, start, "P", 901), "Rahmah Fiktifsyah", "PNS", "P", birth, unit,
        "Analis Sumber Daya Manusia Aparatur Ahli Pertama", "fungsional", "ahli_pertama",
        "III/a", date(2021, 4, 1), date(2024, 8, 1), start, "S1",
        ratings={2023: "Baik", 2024: "Baik", 2025: "Baik"}, competencies=_assessed(2),
        hours={2025: 24, 2026: 12},
    )  # fmt: skip


def _eligible_long_ago(unit: str) -> DemoEmployee:
    """A pelaksana whose 4 years in rank ended in 2023: can be proposed now."""
    start, birth = date(2011, 2, 1), date(1986, 9, 3)
    return DemoEmployee(
        nip.build(birth, start, "L", 902), "Hendra Contohwijaya", "PNS", "L", birth, unit,
        "Pengadministrasi Perkantoran", "pelaksana", None, "III/a", date(2019, 2, 1),
        date(2019, 2, 1), start, "S1", ratings={2023: "Baik", 2024: "Baik", 2025: "Sangat Baik"},
        competencies=_assessed(1), hours={2025: 20},
    )  # fmt: skip


def _pppk(unit: str, contract_end: date | None, seq: int, name: str) -> DemoEmployee:
    """A PPPK teacher, with or without the contract end in HR's data."""
    start, birth = date(2022, 3, 1), date(1990, 1, 20)
    return DemoEmployee(
        nip.build(birth, start, "P", seq, pppk=True), name, "PPPK", "P", birth, unit,
        "Guru Ahli Pertama", "fungsional", "ahli_pertama", "IX", start, start, None, "S1",
        contract_end, ratings={2023: "Baik", 2024: "Baik", 2025: "Baik"},
        competencies=_assessed(2), hours={2025: 16},
    )  # fmt: skip


def _not_assessed(unit: str) -> DemoEmployee:
    """A pengawas with no competency assessment on file."""
    start, birth = date(2009, 1, 1), date(1982, 11, 2)
    return DemoEmployee(
        nip.build(birth, start, "L", 905), "Bayu Andaikata", "PNS", "L", birth, unit,
        "Kepala Seksi", "pengawas", None, "III/c", date(2022, 4, 1), date(2021, 1, 1), start,
        "S1", ratings={2023: "Baik", 2024: "Baik", 2025: "Baik"}, hours={2025: 30},
    )  # fmt: skip


def _skp_missing(unit: str) -> DemoEmployee:
    """A pelaksana due for promotion whose SKP 2024 and 2025 are not in the data."""
    start, birth = date(2014, 3, 1), date(1989, 4, 25)
    return DemoEmployee(
        nip.build(birth, start, "P", 906), "Yulia Rekaanto", "PNS", "P", birth, unit,
        "Pengelola Keuangan", "pelaksana", None, "III/b", date(2021, 10, 1), date(2020, 1, 1),
        start, "S1", ratings={2023: "Baik"}, competencies=_assessed(1), hours={2025: 18},
    )  # fmt: skip


def _sitting_jpt(unit: str) -> DemoEmployee:
    """A Kepala Dinas inaugurated in March 2025."""
    start, birth = date(1998, 3, 1), date(1972, 8, 17)
    return DemoEmployee(
        nip.build(birth, start, "L", 907), "Zulkifli Samarandi", "PNS", "L", birth, unit,
        "Kepala Dinas", "jpt_pratama", None, "IV/c", date(2021, 4, 1), date(2025, 3, 3), start,
        "S2", ratings={2023: "Sangat Baik", 2024: "Baik", 2025: "Baik"},
        competencies=_assessed(4), hours={2025: 40},
    )  # fmt: skip


def _assessed(level: int) -> dict[str, tuple[int, date]]:
    return {c.code: (level, date(2025, 5, 20)) for c in catalog.competencies()}


# Fixed people at fixed places among the first 360, one for each case the career answers must
# get right (issue 9); the same index always gives the same person.
SHOWCASE = {
    300: _jf_since_2024,
    301: _eligible_long_ago,
    302: lambda unit: _pppk(unit, date(2027, 2, 28), 903, "Dewi Fiksiani"),
    303: lambda unit: _pppk(unit, None, 904, "Siti Khayalsari"),
    304: _not_assessed,
    305: _skp_missing,
    306: _sitting_jpt,
}


def _functional(rng: random.Random) -> tuple[str, str]:
    job, levels = rng.choice(FUNCTIONAL_JOBS)
    return rng.choice(levels), job


def _education(rng: random.Random, tier: str, level: str | None) -> str:
    if level is not None and not level.startswith("ahli"):
        return "SMA" if level == "pemula" else "D3"  # a higher start rank would leave the range
    if level is not None:
        floor = "S1"
    elif tier == "pelaksana":
        floor = rng.choice(("SMA", "SMA", "D3", "S1"))
    else:
        floor = TIER_MIN_EDUCATION[tier]
    higher = EDUCATION_ORDER.index(floor) + (1 if rng.random() < 0.25 else 0)
    return EDUCATION_ORDER[min(higher, EDUCATION_ORDER.index("S2"))]


def _grade(rng: random.Random, tier: str, level: str | None, education: str) -> str:
    if level is not None:
        low, high = rank_range(level)
    elif tier == "pelaksana":
        low, high = start_grade(education), EDUCATION_CAP[education]
    else:
        low, high = TIER_GRADES[tier]
    low = max(low, start_grade(education), key=grade_index)
    high = max(high, low, key=grade_index)
    return PNS_GRADES[rng.randint(grade_index(low), grade_index(high))]


def _birth(rng: random.Random, start: date, age: int) -> date:
    year = start.year - age
    return date(year, rng.randint(1, 12), rng.randint(1, 28))


def _first_of_month(year: int, rng: random.Random) -> date:
    return date(year, rng.randint(1, 12), 1)


def _name(rng: random.Random, gender: str) -> str:
    given = rng.choice(GIVEN_MALE if gender == "L" else GIVEN_FEMALE)
    return f"{given} {rng.choice(INVENTED_FAMILY)}"


def _position(rng: random.Random, tier: str, job: str, level: str | None) -> str:
    if level is not None:
        return f"{job} {LEVEL_NAMES[level]}"
    return rng.choice(POSITIONS[tier])


def _competencies(rng: random.Random, tier: str) -> dict[str, tuple[int, date]]:
    if rng.random() < 0.1:
        return {}  # not assessed yet: the profile will say so
    assessed = date(rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28))
    target = REQUIRED_LEVEL[tier]
    return {
        c.code: (max(1, min(5, target + rng.choice((-1, 0, 0, 1)))), assessed)
        for c in catalog.competencies()
    }


CSV_HEADER = [
    "NIP", "Nama", "Jenis Pegawai", "Unit Kerja", "Jabatan", "Jenis Jabatan", "Jenjang",
    "Golongan", "TMT Golongan", "TMT Jabatan", "TMT CPNS", "Pendidikan", "SKP 2023", "SKP 2024",
    "SKP 2025", "JP 2025", "JP 2026", "Akhir Kontrak",
]  # fmt: skip
CSV_POSITION = {
    "jpt_madya": "JPT Madya", "jpt_pratama": "JPT Pratama", "administrator": "Administrator",
    "pengawas": "Pengawas", "pelaksana": "Pelaksana", "fungsional": "Fungsional",
}  # fmt: skip


def employees_csv(people: list[DemoEmployee]) -> bytes:
    """The demo people as an HR export would have them (the SIASN-style template's columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for p in people:
        level = (p.functional_level or "").replace("_", " ").title()
        writer.writerow([
            p.nip, p.name, p.employment_type, p.unit_code, p.position_name,
            CSV_POSITION[p.position_type], level, p.grade, p.grade_tmt, p.position_tmt,
            p.cpns_tmt or "", p.education, p.ratings.get(2023, ""), p.ratings.get(2024, ""),
            p.ratings.get(2025, ""), p.hours.get(2025, ""), p.hours.get(2026, ""),
            p.contract_end or "",
        ])  # fmt: skip
    return buffer.getvalue().encode()
