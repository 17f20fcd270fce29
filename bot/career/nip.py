"""The 18-digit NIP of a PNS and NI of a PPPK: structure, checks and masking.

PNS (Perka BKN 22/2007): birth date YYYYMMDD, TMT CPNS YYYYMM, gender (1 male, 2 female),
sequence 001-999. PPPK: birth date, year of first appointment YYYY, a 2-digit segment, gender,
sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

MIN_AGE_AT_APPOINTMENT = 18
JAKARTA = ZoneInfo("Asia/Jakarta")
_SHAPE = re.compile(r"[0-9]{18}")


@dataclass(frozen=True)
class NipInfo:
    birth_date: date
    appointed: date  # first day of the CPNS month (PNS) or of the year (PPPK)
    gender: str  # "L" or "P"
    sequence: int
    pppk: bool


class NipError(ValueError):
    """Why a string is not a valid NIP."""


def normalise(raw: str) -> str:
    """Digits only: people write NIPs with spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", raw or "")


def is_nip_shaped(text: str) -> bool:
    """Exactly 18 ASCII digits (full-width or Arabic-Indic digits are not an NIP)."""
    return bool(_SHAPE.fullmatch(text))


def parse(raw: str, today: date | None = None, pppk: bool = False) -> NipInfo:
    """Check an NIP's structure and return what it encodes; raise NipError with the reason."""
    nip = normalise(raw)
    if not is_nip_shaped(nip):
        raise NipError("an NIP has exactly 18 digits")
    birth = _date(nip[0:4], nip[4:6], nip[6:8], "birth date (digits 1-8)")
    if pppk:
        appointed = _date(nip[8:12], "01", "01", "appointment year (digits 9-12)")
    else:
        appointed = _date(nip[8:12], nip[12:14], "01", "CPNS month (digits 9-14)")
    gender = {"1": "L", "2": "P"}.get(nip[14])
    if gender is None:
        raise NipError("digit 15 (gender) must be 1 or 2")
    sequence = int(nip[15:18])
    if sequence == 0:
        raise NipError("the sequence number (digits 16-18) starts at 001")
    _check_ages(birth, appointed, today or datetime.now(JAKARTA).date())
    return NipInfo(birth, appointed, gender, sequence, pppk)


def _date(year: str, month: str, day: str, what: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise NipError(f"the {what} is not a real date") from exc


def _check_ages(birth: date, appointed: date, today: date) -> None:
    if birth.year < 1940 or birth > today:
        raise NipError("the birth date (digits 1-8) is not plausible")
    if appointed > today:
        raise NipError("the appointment date (digits 9-14) lies in the future")
    if _age_on(birth, appointed) < MIN_AGE_AT_APPOINTMENT:
        raise NipError("the appointment date (digits 9-14) is before the 18th birthday")


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def build(birth: date, appointed: date, gender: str, sequence: int, pppk: bool = False) -> str:
    """Compose an NIP from its parts (demo data and tests)."""
    middle = f"{appointed.year:04d}21" if pppk else f"{appointed.year:04d}{appointed.month:02d}"
    return f"{birth:%Y%m%d}{middle}{'1' if gender == 'L' else '2'}{sequence:03d}"


def found_in(text: str, today: date | None = None) -> tuple[str, NipInfo] | None:
    """The first valid NIP (or NI PPPK) written in a text, with what it encodes."""
    for match in re.finditer(r"(?<!\d)\d[\d .\-]{16,24}\d(?!\d)", text):
        candidate = normalise(match.group(0))
        if not is_nip_shaped(candidate):
            continue
        for pppk in (False, True):
            try:
                return candidate, parse(candidate, today, pppk)
            except NipError:
                continue
    return None


def mask(nip: str) -> str:
    """An NIP as shown to anyone but its owner: birth date, month and gender hidden."""
    digits = normalise(nip)
    if len(digits) != 18:
        return "*" * len(digits)
    return f"{digits[:2]}{'*' * 13}{digits[15:]}"
