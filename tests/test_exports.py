"""Every report and export the bot writes keeps text that starts like a formula as text."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.broadcast import report as broadcast_report
from bot.hr import audit, checking
from bot.hr.checking import RowError
from bot.i18n import Translator
from bot.rotation import report as rotation_report
from bot.rotation.hr_views import export_labels

EVIL = ["=1+1", "+62 811", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
WHEN = datetime(2027, 1, 4, 1, tzinfo=UTC)


def _cells(book: bytes) -> list[str]:
    loaded = load_workbook(io.BytesIO(book))
    return [c for sheet in loaded.worksheets for row in sheet.iter_rows(values_only=True)
            for c in row if isinstance(c, str)]  # fmt: skip


def _shown_as_text(cells: list[str]) -> None:
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    for evil in EVIL:  # kept, behind the apostrophe that makes a spreadsheet show it as text
        # (XML keeps no carriage return: a workbook reads it back as a line feed)
        assert {"'" + evil, "'" + evil.replace("\r", "\n")} & set(cells), evil


def test_the_audit_export() -> None:
    entries = [audit.Entry(1, WHEN, 5, e, None, e) for e in EVIL]
    _shown_as_text(_cells(audit.workbook(entries, EVIL, lambda _at: EVIL[0])))


def test_the_broadcast_report() -> None:
    rows = [("1985", e, e, "sent", WHEN, e, None) for e in EVIL]
    _shown_as_text(_cells(broadcast_report.workbook(rows, ZoneInfo("Asia/Jakarta"))))


def test_the_readiness_workbook() -> None:
    people = [rotation_report.PersonRow(
        cohort=e, nip="198501012010011001", name=e, from_unit=e, to_unit=e, to_position=e,
        tmt=date(2027, 2, 1), status="ready", barrier=None, reason=None, note=e, mentor=False,
        answered_at=None, checkins={}, unreachable=False) for e in EVIL]  # fmt: skip
    units = [rotation_report.Group(name=e, people=1, statuses=Counter(ready=1)) for e in EVIL]
    summary = rotation_report.Summary(None, rotation_report.Group(name="all", people=6), units,
                                      {}, [])  # fmt: skip
    labels = export_labels(Translator(ZoneInfo("Asia/Jakarta")), "id")
    _shown_as_text(_cells(rotation_report.workbook(people, summary, labels)))


def test_the_import_error_report() -> None:
    errors = [RowError(row=2, column="name", value=e, reason="x") for e in EVIL]
    text = checking.report_csv(errors).decode("utf-8-sig")
    cells = [cell for line in csv.reader(io.StringIO(text, newline="")) for cell in line]
    _shown_as_text(cells)
