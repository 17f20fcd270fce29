"""A broadcast's recipients as a workbook: who got it, who could not be reached, who read it."""

from __future__ import annotations

from datetime import datetime, tzinfo
from io import BytesIO
from typing import Any

HEADER = ["NIP", "Nama", "Unit", "Status", "Terkirim", "Kesalahan", "Dibaca (tombol)"]


def workbook(rows: list[tuple[Any, ...]], zone: tzinfo) -> bytes:
    """One row per recipient; times in the bot's time zone; every cell formula-safe."""
    from openpyxl import Workbook

    from bot.hr.spreadsheets import formula_safe

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Penerima"
    sheet.append(HEADER)
    for nip, name, unit, state, sent_at, error, acked in rows:
        sheet.append([formula_safe(v) for v in (
            nip or "", name or "", unit or "", state, _local(sent_at, zone), error or "",
            _local(acked, zone),
        )])  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _local(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""
