"""Files HR sends (issue 7): encodings, unreadable files, limits, formulas, column sizes, and
imports that never lock other users out."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, update

from bot import jobs
from bot.career import demo
from bot.config import Config
from bot.context import CONSOLE_CHAT, Services
from bot.hr import checking
from bot.hr.imports import apply
from bot.hr.spreadsheets import FileProblem, decode
from db.base import utcnow
from db.models import Employee, ImportRun, StagedEmployee
from tests.bot_harness import for_mode, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

TODAY = date(2026, 11, 28)
TEMPLATE = Path(__file__).resolve().parent.parent / "content" / "templates" / "pegawai.csv"
HEADER = ["NIP", "Nama", "Jenis Pegawai", "Unit Kerja", "Jabatan", "Jenis Jabatan", "Jenjang",
          "Golongan", "TMT Golongan", "TMT Jabatan", "Pendidikan"]  # fmt: skip
ROW = ["198805142012031002", "José Müller", "PNS", "PROV-BKD", "Analis", "Fungsional",
       "Ahli Muda", "III/c", "2021-04-01", "2021-04-01", "S1"]  # fmt: skip


def _csv(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([HEADER, *rows])
    return buffer.getvalue()


def _parse(content: bytes, name: str = "p.csv", **limits: int) -> checking.Parsed:
    return checking.parse(content, name, "employees", TODAY, None, checking.Limits(**limits))


@pytest.mark.parametrize(
    ("encoded", "label"),
    [
        (_csv([ROW]).encode("cp1252"), "Windows-1252"),
        (_csv([ROW]).encode("latin-1"), "Windows-1252"),
        (_csv([ROW]).encode("utf-8"), "UTF-8"),
        (_csv([ROW]).encode("utf-8-sig"), "UTF-8 (BOM)"),
        (_csv([ROW]).encode("utf-16"), "UTF-16"),
        (_csv([ROW], ";").encode("cp1252"), "Windows-1252"),
        (_csv([ROW], "\t").encode("utf-8"), "UTF-8"),
    ],
)
def test_names_survive_every_encoding_excel_saves(encoded: bytes, label: str) -> None:
    parsed = _parse(encoded)
    assert parsed.errors == []
    assert parsed.problem is None
    assert parsed.rows[0]["name"] == "José Müller"
    assert parsed.encoding == label


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "key"),
    [
        (os.urandom(4000), "pegawai.xlsx", "import.file.not_xlsx"),
        (_zip({"readme.txt": b"hello"}), "pegawai.xlsx", "import.file.not_xlsx"),
        (_zip({"xl/workbook.xml": b"<not a workbook"}), "pegawai.xlsx", "import.file.broken_xlsx"),
        (bytes(range(256)) * 20, "pegawai.csv", "import.file.not_text"),
        (b"NIP\n198805142012031002\n", "pegawai.csv", "import.file.no_columns"),
        ("NIP\n198805142012031002\n".encode("utf-16"), "pegawai.csv", "import.file.no_columns"),
        (b"   \n", "pegawai.csv", "import.file.empty"),
        (
            ",".join(HEADER).encode() + b'\n"1988,"x\n' + b"x" * 200_000,
            "p.csv",
            "import.file.broken_csv",
        ),
    ],
)
def test_an_unreadable_file_gets_one_reason(content: bytes, name: str, key: str) -> None:
    parsed = _parse(content, name)
    assert parsed.problem is not None
    assert parsed.problem[0] == key
    assert parsed.rows == []


def _workbook(rows: list[list[str]], merge: str | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_merged_cells_and_truncated_workbooks_are_refused_whole() -> None:
    rows = [ROW, *([f"19880514201203100{n}", "Nama", *ROW[2:]] for n in (3, 4))]
    assert _parse(_workbook(rows), "p.xlsx").errors == []  # the same rows, unmerged, import
    # HR typed the unit once over three people: read row by row, two would have no unit.
    merged = _parse(_workbook(rows, "D2:D4"), "p.xlsx")
    assert merged.problem == ("import.file.merged_cells", {"cells": "D2:D4"})
    assert merged.rows == []
    whole = _workbook(rows)
    cut = _parse(whole[: len(whole) // 2], "p.xlsx")
    assert cut.problem is not None
    assert cut.problem[0] == "import.file.not_xlsx"
    assert cut.rows == []


def test_a_zip_bomb_named_xlsx_is_refused_before_unpacking() -> None:
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * 5_000_000})
    assert len(bomb) < 50_000
    parsed = _parse(bomb, "pegawai.xlsx", max_bytes=100_000)
    assert parsed.problem == ("import.file.too_big", {"limit_mb": 0})


def test_files_over_the_size_or_row_limits_are_refused_whole() -> None:
    content = _csv([ROW] * 11).encode()
    too_big = _parse(content, max_bytes=len(content) - 1)
    too_many = _parse(content, max_rows=10)
    exactly = _parse(_csv([[*ROW[:1], f"Nama {i}", *ROW[2:]] for i in range(10)]).encode(),
                     max_rows=10)  # fmt: skip
    assert too_big.problem is not None
    assert too_big.problem[0] == "import.file.too_big"
    assert too_many.problem == ("import.file.too_many_rows", {"limit": 10})
    assert exactly.problem is None


def test_a_workbook_declaring_too_many_rows_is_refused_before_reading_them() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=50_001, column=1, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    parsed = _parse(buffer.getvalue(), "big.xlsx", max_rows=1000)
    assert parsed.problem == ("import.file.too_many_rows", {"limit": 1000})


def test_formulas_are_refused_in_names_and_neutralised_in_reports() -> None:
    rows = [
        [ROW[0], '=HYPERLINK("http://x","klik")', *ROW[2:]],
        ["+6281234", "@SUM(A1)", *ROW[2:4], "-2+3", *ROW[5:]],
    ]
    parsed = _parse(_csv(rows).encode())
    report = list(csv.reader(io.StringIO(checking.report_csv(parsed.errors).decode("utf-8-sig"))))
    formula_rows = {(e.row, e.column) for e in parsed.errors if "formula" in e.reason}
    assert formula_rows == {(2, "name"), (3, "name"), (3, "position_name")}
    values = [line[2] for line in report[1:]]
    assert all(not v.startswith(("=", "+", "-", "@")) for v in values)
    assert '\'=HYPERLINK("http://x","klik")' in values


async def test_a_position_name_too_long_for_the_column_is_a_row_error(services: Services) -> None:
    row = [*ROW[:4], "Analis " * 40, *ROW[5:]]
    applied = await apply(services.sessions, _parse(_csv([row]).encode()), ADMIN_ID)
    async with services.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Employee))
    assert [(e.row, e.column) for e in applied.errors] == [(2, "position_name")]
    assert "200" in applied.errors[0].reason
    assert count == 0


async def test_a_run_that_died_while_staging_is_never_switched_in(services: Services) -> None:
    from db import staging

    run = await staging.new_run(services.sessions, "employees", None)
    parsed = _parse(TEMPLATE.read_bytes())
    rows = [{**{k: r[k] for k in staging.EMPLOYEE_COLUMNS}, "unit_code": r["unit_code"]}
            for r in parsed.rows]  # fmt: skip
    await staging.stage(services.sessions, StagedEmployee, run, rows)
    async with services.sessions() as session, session.begin():
        started = utcnow() - staging.STALE_AFTER * 2
        await session.execute(update(ImportRun).values(created_at=started))
    # As in the console: no Telegram to send to or to set menus on.
    bot_data = {CONSOLE_CHAT: 1}
    context: Any = type("Ctx", (), {"services": services, "bot": None, "bot_data": bot_data})()
    await jobs.sweep_job(context)
    async with services.sessions() as session:
        employees = await session.scalar(select(func.count()).select_from(Employee))
        staged = await session.scalar(select(func.count()).select_from(StagedEmployee))
        status = await session.scalar(select(ImportRun.status))
    assert (status, employees, staged) == ("abandoned", 0, 0)


async def test_other_users_are_answered_while_a_big_file_imports(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    """A 20,000-row import on SQLite with a 3 s busy timeout: a single long transaction would
    make the users' writes give up; staged batches and a short switch let them through."""
    config = for_mode(make_config(fake_api, sqlite_busy_timeout_ms=3000), "polling")
    if "sqlite" not in config.database_url:
        pytest.skip("the write lock is SQLite's")
    parsed = _parse(demo.employees_csv(demo.generate(20_000)))
    assert not parsed.errors
    users = range(7001, 7041)
    async with running_bot(config) as app:
        svc = services(app)
        importer = asyncio.create_task(apply(svc.sessions, parsed, ADMIN_ID))
        for user in users:
            await fake_api.send_text(user, "/start")
            await asyncio.sleep(0.05)
        applied = await importer
        replies = [(await fake_api.wait_for("sendMessage", u, 1, 30))[0] for u in users]
    assert applied.inserted == 20_000
    assert all("Selamat datang" in r.params["text"] or "Halo" in r.params["text"]
               for r in replies), [r.params["text"][:40] for r in replies]  # fmt: skip


async def test_hr_gets_a_clear_reply_and_the_csv_for_any_file(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    long_bad = [[*ROW[:4], "Analis " * 40, *ROW[5:7], "X" * 3000, *ROW[8:]] for _ in range(30)]
    async with running_bot(config):
        await fake_api.send_document(ADMIN_ID, _csv(long_bad).encode(), "pegawai.csv")
        rejected = (await fake_api.wait_for("sendMessage", ADMIN_ID))[-1]
        report = (await fake_api.wait_for("sendDocument", ADMIN_ID))[-1]
        await fake_api.send_document(ADMIN_ID, os.urandom(5000), "pegawai.xlsx")
        unreadable = (await fake_api.wait_for("sendMessage", ADMIN_ID, 2))[-1]
        await fake_api.send_document(ADMIN_ID, _csv([ROW]).encode("cp1252"), "pegawai.csv")
        done = (await fake_api.wait_for("sendMessage", ADMIN_ID, 3))[-1]
    assert "ditolak" in rejected.params["text"]
    assert "lihat laporan CSV" in rejected.params["text"]
    assert len(rejected.params["text"]) < 4096
    assert report.files["document"].count(b"\n") > 30
    assert "bukan buku kerja XLSX" in unreadable.params["text"]
    assert "Windows-1252" in done.params["text"]


def test_the_cli_says_why_a_file_is_unreadable_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "pegawai.xlsx"
    bad.write_bytes(os.urandom(3000))
    env = {**os.environ, "ASNBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "asnbot"), "import", "employees", str(bad)],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "not an XLSX workbook" in result.stderr


def test_decode_reports_binary_as_not_text() -> None:
    with pytest.raises(FileProblem):
        decode(b"\x00\x01\x02" * 100)


CROSS_HEADER = [*HEADER, "TMT CPNS", "Tanggal Lahir"]


@pytest.mark.parametrize(
    ("changes", "column", "reason", "severity"),
    [
        # The rank date before the CPNS date.
        ({8: "2011-01-01", 11: "2012-03-01"}, "grade_tmt", "before the CPNS date", "error"),
        # A birth date column that contradicts the NIP.
        ({12: "1988-05-15"}, "birth_date", "differs from the NIP", "error"),
        # A JF level with a grade outside its range (Ahli Muda is III/c-III/d).
        ({7: "IV/a"}, "grade", "outside the range", "error"),
        # A PPPK with a PNS rank.
        ({2: "PPPK", 7: "III/c"}, "grade", "a PPPK has a golongan", "error"),
        # A pelaksana above the education cap: only a warning, the row is kept.
        ({5: "Pelaksana", 6: "", 7: "III/d", 10: "SMA"}, "grade", "highest regular rank",
         "warning"),
        # A unit named as exports name it: matched and reported.
        ({3: "Badan Kepegawaian Daerah Prov. Jambi"}, "unit", "-> PROV-BKD", "note"),
    ],
)  # fmt: skip
def test_fields_that_belong_together_are_checked_together(
    changes: dict[int, str], column: str, reason: str, severity: str
) -> None:
    row = [*ROW, "2012-03-01", "1988-05-14"]
    for index, value in changes.items():
        row[index] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows([CROSS_HEADER, row])
    parsed = _parse(buffer.getvalue().encode())
    found = [*parsed.errors, *parsed.warnings]
    assert [(e.column, e.severity) for e in found] == [(column, severity)], found
    assert reason in found[0].reason
    assert (len(parsed.rows) == 1) is (severity != "error")


def test_a_unit_name_matching_nothing_or_two_units_stays_an_error() -> None:
    from bot.hr.unit_names import match_unit

    assert match_unit("Dinas Pendidkan Provinsi Jambi") == ("PROV-DISDIK", True)
    assert match_unit("Dinas Pendidikan") == (None, False)
    assert match_unit("Dinas Antah Berantah") == (None, False)
    assert match_unit("prov-bkd") == ("PROV-BKD", False)


async def test_warnings_are_imported_and_reported_in_telegram(
    make_config: Callable[..., Config], fake_api: FakeBotApi
) -> None:
    config = for_mode(make_config(fake_api), "polling")
    row = [*ROW[:3], "Badan Kepegawaian Daerah Prov. Jambi", *ROW[4:]]
    async with running_bot(config) as app:
        await fake_api.send_document(ADMIN_ID, _csv([row]).encode(), "pegawai.csv")
        report = (await fake_api.wait_for("sendDocument", ADMIN_ID))[-1]
        done = (await fake_api.wait_for("sendMessage", ADMIN_ID))[-1]
        async with services(app).sessions() as session:
            count = await session.scalar(select(func.count()).select_from(Employee))
    assert "diimpor" in done.params["text"]
    assert "PROV-BKD" in done.params["text"]
    assert b"note" in report.files["document"]
    assert count == 1
