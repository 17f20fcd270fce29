"""NIP structure: what it encodes, what makes it invalid, how it is masked."""

from __future__ import annotations

from datetime import date

import pytest

from bot.career import nip

TODAY = date(2026, 11, 28)


def test_a_valid_pns_nip_is_decoded() -> None:
    info = nip.parse("19860926 201505 1 001", TODAY)
    assert info == nip.NipInfo(date(1986, 9, 26), date(2015, 5, 1), "L", 1, False)


def test_a_pppk_number_is_decoded() -> None:
    info = nip.parse("199002142022212003", TODAY, pppk=True)
    assert (info.birth_date, info.appointed.year, info.gender, info.sequence) == (
        date(1990, 2, 14), 2022, "P", 3,
    )  # fmt: skip


def test_a_29_february_birth_in_a_leap_year_is_valid() -> None:
    assert nip.parse("200002292020031002", TODAY).birth_date == date(2000, 2, 29)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1986092620150510", "18 digits"),
        ("19860926201505100a", "18 digits"),
        ("199902292020031002", "birth date"),  # 1999 is no leap year
        ("198613012015051001", "birth date"),
        ("198609262015131001", "CPNS month"),
        ("198609262015053001", "gender"),
        ("198609262015051000", "sequence"),
        ("203001012050011001", "plausible"),
        ("201001012020011001", "18th birthday"),
        ("199001012027011001", "future"),
    ],
)
def test_invalid_nips_say_why(raw: str, reason: str) -> None:
    with pytest.raises(nip.NipError, match=reason):
        nip.parse(raw, TODAY)


def test_build_and_parse_agree() -> None:
    value = nip.build(date(1979, 12, 31), date(2004, 3, 1), "P", 12)
    assert value == "197912312004032012"
    assert nip.parse(value, TODAY).gender == "P"


def test_masking_hides_birth_date_month_and_gender() -> None:
    masked = nip.mask("198609262015051001")
    assert masked == "19*************001"
    assert "0926" not in masked
    assert "2015" not in masked
