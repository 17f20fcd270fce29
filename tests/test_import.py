"""Spreadsheet imports: every row checked, one bad row rejects the file, re-imports update."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.config import Config
from bot.context import Services
from bot.hr import checking
from bot.hr.imports import apply
from db.models import CompetencyScore, DevelopmentHours, Employee, PerformanceRating
from tests.bot_harness import for_mode, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"
TODAY = date(2026, 11, 28)


def _parse(text: str, kind: str = "employees", name: str = "data.csv") -> checking.Parsed:
    return checking.parse(text.encode(), name, kind, TODAY)


async def _count(services: Services, model: type) -> int:
    async with services.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_template_imports_and_a_second_import_updates(services: Services) -> None:
    content = (TEMPLATES / "pegawai.csv").read_bytes()
    first = await apply(services.sessions, checking.parse(content, "p.csv", "employees", TODAY), 1)
    changed = content.replace(b"Contoh Fiktifsyah", b"Contoh Fiktifsyah Baru")
    second = await apply(
        services.sessions, checking.parse(changed, "p.csv", "employees", TODAY), 1
    )
    async with services.sessions() as session:
        names = sorted((await session.scalars(select(Employee.name))).all())
    assert (first.inserted, first.updated, second.inserted, second.updated) == (2, 0, 0, 2)
    assert names == ["Contoh Fiktifsyah Baru", "Contoh Rekaputri"]
    assert await _count(services, PerformanceRating) == 4
    assert await _count(services, DevelopmentHours) == 2


HEADER = "NIP,Nama,Jenis Pegawai,Unit Kerja,Jabatan,Jenis Jabatan,Jenjang,Golongan,TMT Golongan,TMT Jabatan,Pendidikan,SKP 2025\n"
GOOD_ROW = "198805142012031002,Contoh Satu,PNS,PROV-BKD,Analis,Fungsional,Ahli Muda,III/c,2021-04-01,2021-04-01,S1,Baik\n"


async def test_one_bad_row_rejects_the_whole_file_with_every_reason(services: Services) -> None:
    bad = (
        HEADER
        + GOOD_ROW
        + "198813402012031002,Dua,PNS,PROV-BKD,Staf,Pelaksana,,III/f,2021-04-01,2021-04-01,S1,Baik\n"
        + "199001012015011001,Tiga,PNS,Dinas Antah Berantah,Staf,Pelaksana,,II/a,01-13-2020,2021-04-01,SMA,Bagus\n"
        + "198805142012031002,Satu Lagi,PNS,PROV-BKD,Analis,Fungsional,,III/c,2021-04-01,2021-04-01,S1,Baik\n"
    )
    parsed = _parse(bad)
    applied = await apply(services.sessions, parsed, 1)
    found = {(e.row, e.column) for e in applied.errors}
    assert (3, "nip") in found  # month 13 in the birth date
    assert (3, "grade") in found
    assert (4, "unit") in found
    assert (4, "grade_tmt") in found
    assert (4, "skp2025") in found
    assert (5, "functional_level") in found
    assert (5, "nip") in found  # the same NIP as row 2
    assert all(e.value is not None and e.reason for e in applied.errors)
    assert await _count(services, Employee) == 0


def test_siasn_style_headers_and_xlsx_are_accepted() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NIP BARU", "NAMA", "UNOR", "JABATAN NAMA", "JENIS JABATAN NAMA", "GOL RUANG",
                  "TMT GOLONGAN", "TMT JABATAN", "TINGKAT PENDIDIKAN", "Predikat SKP 2024"])  # fmt: skip
    sheet.append(["199107232019022001", "Contoh Rekaputri", "Badan Kepegawaian Daerah Provinsi Jambi",
                  "Pengadministrasi", "Pelaksana", "II c", date(2019, 2, 1), date(2020, 1, 2),
                  "D-III", "Sangat Baik"])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = checking.parse(buffer.getvalue(), "siasn.xlsx", "employees", TODAY)
    assert parsed.errors == []
    row = parsed.rows[0]
    assert (row["grade"], row["education"], row["unit_code"]) == ("II/c", "D3", "PROV-BKD")
    assert row["ratings"] == {2024: "Sangat Baik"}
    assert row["gender"] == "P"
    assert row["birth_date"] == date(1991, 7, 23)


def test_a_missing_column_is_named_with_the_accepted_headers() -> None:
    parsed = _parse("NIP,Nama\n198805142012031002,X\n")
    missing = {e.column for e in parsed.errors if e.row == 1}
    assert {"unit", "grade", "grade_tmt"} <= missing
    assert any("gol ruang" in e.reason for e in parsed.errors if e.column == "grade")


async def test_competencies_and_training_need_known_nips(services: Services) -> None:
    await apply(services.sessions, checking.parse((TEMPLATES / "pegawai.csv").read_bytes(),
                                                   "p.csv", "employees", TODAY), 1)  # fmt: skip
    good = (TEMPLATES / "kompetensi.csv").read_bytes()
    ok = await apply(services.sessions, checking.parse(good, "k.csv", "competencies", TODAY), 1)
    unknown = good + b"199901012020011005,Integritas,2,2025-01-01\n"
    rejected = await apply(
        services.sessions, checking.parse(unknown, "k.csv", "competencies", TODAY), 1
    )
    hours = await apply(services.sessions, checking.parse(
        (TEMPLATES / "pelatihan.csv").read_bytes(), "t.csv", "training", TODAY), 1)  # fmt: skip
    assert ok.inserted == 2
    assert [(e.row, e.column) for e in rejected.errors] == [(4, "nip")]
    assert await _count(services, CompetencyScore) == 2
    assert hours.inserted == 1


@pytest.mark.parametrize(
    ("cell", "grade"), [("III/a", "III/a"), ("iii-b", "III/b"), ("IV A", "IV/a"), ("IV/f", None)]
)
def test_rank_spellings(cell: str, grade: str | None) -> None:
    assert checking._grade(cell, "PNS") == grade


async def test_hr_sends_a_file_in_telegram_and_gets_the_report(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    bad = (
        HEADER
        + GOOD_ROW
        + "198813402012031002,Dua,PNS,PROV-BKD,Staf,Pelaksana,,III/f,2021-04-01,2021-04-01,S1,Baik\n"
    ).encode()
    async with running_bot(config) as app:
        await fake_api.send_document(ADMIN_ID, bad, "pegawai.csv")
        rejected = (await fake_api.wait_for("sendMessage", ADMIN_ID))[0]
        report = (await fake_api.wait_for("sendDocument", ADMIN_ID))[0]
        await fake_api.send_document(
            ADMIN_ID, (TEMPLATES / "pegawai.csv").read_bytes(), "pegawai.csv"
        )
        done = (await fake_api.wait_for("sendMessage", ADMIN_ID, 2))[1]
        await fake_api.send_document(4999, (TEMPLATES / "pegawai.csv").read_bytes(), "pegawai.csv")
        ignored = (await fake_api.wait_for("sendMessage", 4999))[0]
        count = await _count(services(app), Employee)
    assert "ditolak" in rejected.params["text"]
    assert "row 3, grade" in rejected.params["text"]
    assert b"III/f" in report.files["document"]
    assert "2 baru" in done.params["text"]
    assert "ditolak" not in ignored.params["text"]
    assert "diimpor" not in ignored.params["text"]
    assert count == 2


def test_the_cli_rejects_a_bad_file_and_writes_a_report(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    bad = tmp_path / "pegawai.csv"
    bad.write_text(
        HEADER
        + "198813402012031002,Dua,PNS,PROV-BKD,Staf,Pelaksana,,III/f,2021-04-01,2021-04-01,S1,Baik\n"
    )
    env = {**os.environ, "ASNBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "asnbot"), "import", "employees", str(bad),
         "--report", str(tmp_path / "report.csv")],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert "nothing was written" in result.stdout
    assert "row 2, column grade, value 'III/f'" in result.stdout
    assert "III/f" in (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
