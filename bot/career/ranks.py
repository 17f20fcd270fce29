"""PNS ranks (golongan/ruang), starting ranks by education and functional rank ranges."""

from __future__ import annotations

PNS_GRADES = (
    "I/a", "I/b", "I/c", "I/d", "II/a", "II/b", "II/c", "II/d",
    "III/a", "III/b", "III/c", "III/d", "IV/a", "IV/b", "IV/c", "IV/d", "IV/e",
)  # fmt: skip

# Starting rank of a new CPNS by education (PP 99/2000 jo PP 12/2002).
START_GRADE = {
    "SD": "I/a", "SMP": "I/c", "SMA": "II/a", "D1": "II/a", "D2": "II/a", "D3": "II/c",
    "S1": "III/a", "D4": "III/a", "S2": "III/b", "S3": "III/c",
}  # fmt: skip

# Rank range of each functional level (PermenPANRB 1/2023).
FUNCTIONAL_RANGE = {
    "pemula": ("II/a", "II/a"), "terampil": ("II/b", "II/d"), "mahir": ("III/a", "III/b"),
    "penyelia": ("III/c", "III/d"), "ahli_pertama": ("III/a", "III/b"),
    "ahli_muda": ("III/c", "III/d"), "ahli_madya": ("IV/a", "IV/c"),
    "ahli_utama": ("IV/d", "IV/e"),
}  # fmt: skip


def grade_index(grade: str) -> int:
    """Position of a rank on the scale I/a (0) to IV/e (16); ValueError for anything else."""
    return PNS_GRADES.index(grade)


def start_grade(education: str) -> str:
    """The rank a CPNS with this education starts at."""
    return START_GRADE[education]


def rank_range(functional_level: str) -> tuple[str, str]:
    """Lowest and highest rank of a functional level."""
    return FUNCTIONAL_RANGE[functional_level]
