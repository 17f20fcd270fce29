"""Reading the CSV and XLSX files HR sends, safely, and writing CSV files they can open safely.

Every way a file can be unreadable ends in ``FileProblem``: a message key and values the caller
shows in the user's language. Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# An XLSX may unpack to at most this many times the size limit (zip bombs pack far tighter).
MAX_UNPACK_RATIO = 20
_UNICODE = ("utf_8", "utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class FileProblem(Exception):
    """The whole file cannot be read; ``key`` names the message, ``values`` fill it in."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterator[list[Any]]
    encoding: str  # "XLSX" for workbooks


def read_table(content: bytes, filename: str, max_bytes: int, max_rows: int) -> Table:
    """Headers and data rows of a CSV (comma, semicolon or tab) or XLSX file, within limits."""
    if len(content) > max_bytes:
        raise FileProblem("import.file.too_big", limit_mb=max_bytes // 1_000_000)
    if not content.strip():
        raise FileProblem("import.file.empty")
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _xlsx(content, max_bytes, max_rows)
    text, encoding = decode(content)
    return _csv(text, encoding, max_rows)


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    A BOM or valid UTF-8 decides at once. Otherwise charset-normalizer judges whether the bytes
    are text at all and spots UTF-16/32 without a BOM; for single-byte files, whose short
    content misleads any detector between Windows code pages, Windows-1252 wins when it reads
    the bytes: it is what Excel on an Indonesian Windows saves as "CSV".
    """
    for bom, name, label in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 (BOM)"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if content.startswith(bom):
            return _checked_text(content, name, label)
    try:
        return _checked_text(content, "utf-8", "UTF-8")
    except FileProblem:
        pass
    from charset_normalizer import from_bytes  # only for files that are not UTF-8

    best = from_bytes(content[:200_000]).best()
    if best is None:
        raise FileProblem("import.file.not_text")
    if best.encoding in _UNICODE:
        return _checked_text(content, best.encoding, best.encoding.upper().replace("_", "-"))
    try:
        return _checked_text(content, "cp1252", "Windows-1252")
    except FileProblem:
        return _checked_text(content, best.encoding, best.encoding)


def _checked_text(content: bytes, encoding: str, label: str) -> tuple[str, str]:
    try:
        text = content.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileProblem("import.file.not_text") from exc
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in "\t\r\n")
    if "\x00" in text or controls > len(text[:100_000]) // 100:
        raise FileProblem("import.file.not_text")
    return text, label


def _csv(text: str, encoding: str, max_rows: int) -> Table:
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    if first_line.count(delimiter) == 0:
        raise FileProblem("import.file.no_columns")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = next(reader, [])
    except csv.Error as exc:
        raise FileProblem("import.file.broken_csv") from exc
    return Table(headers, _limited(_csv_rows(reader), max_rows), encoding)


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[Any]]:
    try:
        yield from reader
    except csv.Error as exc:
        raise FileProblem("import.file.broken_csv") from exc


def _xlsx(content: bytes, max_bytes: int, max_rows: int) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileProblem("import.file.not_xlsx") from exc
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise FileProblem("import.file.not_xlsx")
    if sum(m.file_size for m in members) > max_bytes * MAX_UNPACK_RATIO:
        raise FileProblem("import.file.too_big", limit_mb=max_bytes // 1_000_000)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        declared = sheet.max_row
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise FileProblem("import.file.broken_xlsx") from exc
    if isinstance(declared, int) and declared > max_rows + 1:
        raise FileProblem("import.file.too_many_rows", limit=max_rows)
    if merged := _merged_cells(archive, getattr(sheet, "_worksheet_path", "")):
        raise FileProblem("import.file.merged_cells", cells=", ".join(merged[:5]))
    rows = _xlsx_rows(sheet)
    headers = [str(h or "") for h in next(rows, [])]
    return Table(headers, _limited(rows, max_rows), "XLSX")


def _merged_cells(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The merged ranges of the sheet: read row by row, a merge leaves every row but its first
    empty (a unit typed once over ten people), so such a file is refused, not half-read."""
    try:
        xml = archive.read(path.lstrip("/"))
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return [m.decode() for m in _MERGE_CELL.findall(xml)]


def _xlsx_rows(sheet: Any) -> Iterator[list[Any]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except FileProblem:
        raise
    except Exception as exc:
        raise FileProblem("import.file.broken_xlsx") from exc


def _limited(rows: Iterator[list[Any]], max_rows: int) -> Iterator[list[Any]]:
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise FileProblem("import.file.too_many_rows", limit=max_rows)
        yield row


def formula_safe(value: object) -> object:
    """A cell value that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    """A CSV file Excel opens correctly (UTF-8 with BOM), every cell formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([formula_safe(h) for h in header])
    writer.writerows([formula_safe(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
