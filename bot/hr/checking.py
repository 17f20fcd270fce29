"""Reading HR spreadsheets (CSV or XLSX) and checking every row before anything is written.

One bad row rejects the whole file: the report lists every problem by row, column and value.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from bot.career import catalog, nip
from bot.career.ranks import PNS_GRADES
from bot.config import CONTENT_DIR, ImportLimits
from bot.hr import crosscheck
from bot.hr.spreadsheets import FileProblem, Table, csv_bytes, read_table
from bot.hr.unit_names import match_unit
from db.models import Employee

PPPK_GRADES = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
    "XV", "XVI", "XVII",
)  # fmt: skip
BAD_POSITION = "use JPT Utama/Madya/Pratama, Administrator, Pengawas, Pelaksana or Fungsional"
BAD_LEVEL = "a functional position needs its jenjang (Ahli Pertama ... Penyelia)"
UNKNOWN_NIP = "no employee has this NIP; import employees first"
FORMULA_START = ("=", "+", "-", "@")
FORMULA_REASON = "must not start with =, +, - or @ (a spreadsheet formula)"
_DATE_FORMATS = (
    (re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})", re.ASCII), (1, 2, 3)),
    (re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII), (3, 2, 1)),
)
PREDICATES = ("Sangat Baik", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
POSITION_TYPES = {
    "jpt utama": "jpt_utama", "jpt madya": "jpt_madya", "jpt pratama": "jpt_pratama",
    "jabatan pimpinan tinggi utama": "jpt_utama", "jabatan pimpinan tinggi madya": "jpt_madya",
    "jabatan pimpinan tinggi pratama": "jpt_pratama", "administrator": "administrator",
    "pengawas": "pengawas", "pelaksana": "pelaksana", "fungsional": "fungsional",
    "jabatan fungsional": "fungsional", "jf": "fungsional", "jft": "fungsional",
    "jabatan pelaksana": "pelaksana", "jfu": "pelaksana",
}  # fmt: skip
LEVELS = {
    "pemula": "pemula", "terampil": "terampil", "mahir": "mahir", "penyelia": "penyelia",
    "ahli pertama": "ahli_pertama", "ahli muda": "ahli_muda", "ahli madya": "ahli_madya",
    "ahli utama": "ahli_utama",
}  # fmt: skip
EDUCATION = {
    "sd": "SD", "smp": "SMP", "sltp": "SMP", "sma": "SMA", "slta": "SMA", "smk": "SMA",
    "d1": "D1", "d-i": "D1", "d2": "D2", "d-ii": "D2", "d3": "D3", "d-iii": "D3", "diii": "D3",
    "d4": "D4", "d-iv": "D4", "div": "D4", "s1": "S1", "s-1": "S1", "s2": "S2", "s-2": "S2",
    "s3": "S3", "s-3": "S3",
}  # fmt: skip
_SKP_COLUMN = re.compile(r"^(predikat)?skp(\d{4})$")
_JP_COLUMN = re.compile(r"^(jp|jampelajaran)(\d{4})$")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str
    severity: str = "error"  # or "warning": reported, the row is kept


@dataclass
class Parsed:
    """Valid rows as plain values, or the problems that stop the import.

    ``problem`` is set when the file as a whole cannot be read: a message key and its values.
    """

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    encoding: str = ""
    problem: tuple[str, dict[str, object]] | None = None


@dataclass(frozen=True)
class Limits:
    """How big a file may be: bytes and data rows."""

    max_bytes: int = 20_000_000
    max_rows: int = 200_000

    @classmethod
    def of(cls, settings: ImportLimits) -> Limits:
        """The limits the configuration's ``[imports]`` table sets."""
        return cls(settings.max_file_mb * 1_000_000, settings.max_rows)


def _key(header: str) -> str:
    return re.sub(r"[\s._\-/]+", "", header.strip().lower())


@cache
def accepted_headers(kind: str) -> dict[str, tuple[str, ...]]:
    """Field name -> the column names accepted for it, for one kind of file."""
    data = tomllib.loads((CONTENT_DIR / "import_headers.toml").read_text("utf-8"))
    return {fieldname: tuple(names) for fieldname, names in data[kind].items()}


@cache
def header_names(kind: str) -> dict[str, str]:
    """Normalised accepted header -> field name, for one kind of file."""
    return {_key(n): f for f, names in accepted_headers(kind).items() for n in names}


def parse(
    content: bytes,
    filename: str,
    kind: str,
    today: date,
    progress: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    guessed: bool = False,
) -> Parsed:
    """Check every row of one file; nothing is written here.

    A file that cannot be read at all comes back with ``problem`` set and no rows. When the
    ``kind`` was only guessed from the file's name, its columns may correct the guess.
    """
    limits = limits or Limits()
    result = Parsed(kind)
    try:
        table = read_table(content, filename, limits.max_bytes, limits.max_rows)
        result.encoding = table.encoding
        if guessed:
            result.kind = kind = _sniffed(table.headers, kind)
        _check_rows(table, kind, today, result, progress)
    except FileProblem as problem:
        return Parsed(kind, problem=(problem.key, problem.values))
    return result


def _sniffed(headers: list[str], kind: str) -> str:
    """A rotation plan sent as if it were an employee file (a file name that says neither):
    its "Unit Tujuan", "TMT" and "Kelompok" columns tell."""
    if kind != "employees":
        return kind
    found = {header_names("rotations").get(_key(str(h))) for h in headers}
    plan = {"nip", "unit", "position_name", "position_type", "tmt", "cohort"}
    employee = {header_names("employees").get(_key(str(h))) for h in headers}
    return "rotations" if plan <= found and "grade" not in employee else kind


def _check_rows(
    table: Table,
    kind: str,
    today: date,
    result: Parsed,
    progress: Callable[[int], None] | None,
) -> None:
    columns = _columns(table.headers, kind, result)
    if result.errors:
        return
    check = {"employees": _employee, "competencies": _competency, "training": _training,
             "rotations": _rotation}[kind]  # fmt: skip
    seen: dict[str, int] = {}
    for number, raw in enumerate(table.rows, start=2):
        if not any(str(v or "").strip() for v in raw):
            continue
        cells = {name: raw[i] if i < len(raw) else None for name, i in columns.items()}
        errors: list[RowError] = []
        row = check(cells, number, today, errors)
        _duplicates(kind, row, number, seen, errors)
        result.warnings.extend(e for e in errors if e.severity != "error")
        errors = [e for e in errors if e.severity == "error"]
        result.errors.extend(errors)
        if not errors:
            result.rows.append({**row, "_row": number})
        if progress is not None:
            progress(1)


def _columns(headers: list[str], kind: str, result: Parsed) -> dict[str, int]:
    names = header_names(kind)
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        key = _key(str(header))
        if key in names:
            columns.setdefault(names[key], index)
        elif kind == "employees" and (_SKP_COLUMN.match(key) or _JP_COLUMN.match(key)):
            columns[key] = index
    required = {"employees": ("nip", "name", "unit", "position_name", "position_type", "grade",
                              "grade_tmt", "position_tmt", "education"),
                "competencies": ("nip", "competency", "level", "assessed_on"),
                "training": ("nip", "year", "hours"),
                "rotations": ("nip", "unit", "position_name", "position_type", "tmt",
                              "cohort")}[kind]  # fmt: skip
    for fieldname in required:
        if fieldname not in columns:
            accepted = ", ".join(accepted_headers(kind)[fieldname])
            result.errors.append(
                RowError(1, fieldname, "", f"column missing (accepted: {accepted})")
            )
    return columns


def _duplicates(
    kind: str, row: dict[str, Any], number: int, seen: dict[str, int], errors: list[RowError]
) -> None:
    key = "|".join(str(row[k]) for k in ("nip", "competency", "year", "cohort") if k in row)
    if not key or not row.get("nip"):
        return
    if key in seen:
        errors.append(RowError(number, "nip", str(row["nip"]), f"same as row {seen[key]}"))
    else:
        seen[key] = number


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(
    value: Any, column: str, number: int, errors: list[RowError], required: bool = True
) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        if required:
            errors.append(RowError(number, column, "", "empty; a date is required"))
        return None
    for pattern, (y, m, d) in _DATE_FORMATS:
        if match := pattern.match(text):
            try:
                return date(int(match.group(y)), int(match.group(m)), int(match.group(d)))
            except ValueError:
                break
    errors.append(RowError(number, column, text, "not a date (use YYYY-MM-DD or DD-MM-YYYY)"))
    return None


def _employee(
    cells: dict[str, Any], number: int, today: date, errors: list[RowError]
) -> dict[str, Any]:
    kind = _text(cells.get("employment_type")).upper() or "PNS"
    if kind not in ("PNS", "PPPK"):
        errors.append(RowError(number, "employment_type", kind, "use PNS or PPPK"))
    raw_nip = nip.normalise(_text(cells.get("nip")))
    info = None
    try:
        info = nip.parse(raw_nip, today, pppk=kind == "PPPK")
    except nip.NipError as exc:
        errors.append(RowError(number, "nip", _text(cells.get("nip")), str(exc)))
    name = _text(cells.get("name"))
    if len(name) < 2:
        errors.append(RowError(number, "name", name, "a name of 2 characters or more is needed"))
    for column in ("name", "position_name"):
        _free_text(_text(cells.get(column)), column, number, errors)
    unit, position_type = _post_cells(cells, number, errors)
    level = LEVELS.get(_text(cells.get("functional_level")).lower().replace("_", " "))
    if position_type == "fungsional" and level is None:
        value = _text(cells.get("functional_level"))
        errors.append(RowError(number, "functional_level", value, BAD_LEVEL))
    allowed = "I to XVII" if kind == "PPPK" else "I/a to IV/e"
    pns_rank = kind == "PPPK" and _grade(_text(cells.get("grade")), "PNS") is not None
    reason = "a PPPK has a golongan I to XVII, not a PNS rank" if pns_rank else (
        f"not a golongan {allowed}")  # fmt: skip
    grade = _checked(cells, "grade", lambda text: _grade(text, kind), reason, number, errors)
    education = _checked(
        cells, "education", lambda text: EDUCATION.get(text.lower().replace(" ", "")),
        "use SD, SMP, SMA, D1-D4, S1, S2 or S3", number, errors,
    )  # fmt: skip
    grade_tmt = _date(cells.get("grade_tmt"), "grade_tmt", number, errors)
    position_tmt = _date(cells.get("position_tmt"), "position_tmt", number, errors)
    cpns_tmt = _date(cells.get("cpns_tmt"), "cpns_tmt", number, errors, required=False)
    contract_end = _date(cells.get("contract_end"), "contract_end", number, errors, required=False)
    if contract_end is not None and kind != "PPPK":
        errors.append(RowError(number, "contract_end", contract_end.isoformat(),
                               "only a PPPK has a contract end"))  # fmt: skip
    for column, moment in (("grade_tmt", grade_tmt), ("position_tmt", position_tmt)):
        if moment is not None and moment > today:
            errors.append(RowError(number, column, moment.isoformat(), "lies in the future"))
    ratings, hours = _yearly(cells, number, errors)
    row = {
        "nip": raw_nip, "name": name, "employment_type": kind,
        "gender": info.gender if info else "", "birth_date": info.birth_date if info else None,
        "unit_code": unit, "position_name": _text(cells.get("position_name")),
        "position_type": position_type,
        "functional_level": level if position_type == "fungsional" else None,
        "grade": grade, "grade_tmt": grade_tmt, "position_tmt": position_tmt,
        "cpns_tmt": cpns_tmt or (info.appointed if info and kind == "PNS" else None),
        "education": education, "contract_end": contract_end, "ratings": ratings,
        "hours": hours,
    }  # fmt: skip
    if not any(e.severity == "error" for e in errors):
        stated = _date(cells.get("birth_date"), "birth_date", number, errors, required=False)
        errors.extend(crosscheck.employee(row, number, stated))
    return row


def _post_cells(
    cells: dict[str, Any], number: int, errors: list[RowError]
) -> tuple[str | None, str | None]:
    """The unit (by code or official name; a close match is reported as a note) and the
    position type of a row."""
    unit_text = _text(cells.get("unit"))
    unit, approximate = match_unit(unit_text)
    if unit is None:
        errors.append(RowError(number, "unit", unit_text, "unknown unit (see content/units.toml)"))
    elif approximate:
        errors.append(RowError(number, "unit", unit_text, f"matched {unit_text!r} -> {unit}",
                               "note"))  # fmt: skip
    position_type = _checked(
        cells, "position_type", lambda text: POSITION_TYPES.get(text.lower()), BAD_POSITION,
        number, errors,
    )  # fmt: skip
    return unit, position_type


def _free_text(text: str, column: str, number: int, errors: list[RowError]) -> None:
    """Names and titles: within the database column, and never a spreadsheet formula."""
    size = getattr(Employee.__table__.c[column].type, "length", None) or 1_000_000
    _bounded(text, column, size, number, errors)


def _checked(
    cells: dict[str, Any],
    column: str,
    convert: Callable[[str], str | None],
    reason: str,
    number: int,
    errors: list[RowError],
) -> str | None:
    """The cell converted, or None with a row error that names the cell's value."""
    text = _text(cells.get(column))
    value = convert(text)
    if value is None:
        errors.append(RowError(number, column, text, reason))
    return value


def _yearly(
    cells: dict[str, Any], number: int, errors: list[RowError]
) -> tuple[dict[int, str], dict[int, int]]:
    ratings, hours = {}, {}
    for column, value in cells.items():
        text = _text(value)
        if not text:
            continue
        if skp := _SKP_COLUMN.match(column):
            predicate = next((p for p in PREDICATES if p.lower() == text.lower()), None)
            if predicate is None:
                errors.append(RowError(number, column, text, "use " + ", ".join(PREDICATES)))
            else:
                ratings[int(skp.group(2))] = predicate
        elif jp := _JP_COLUMN.match(column):
            if not text.isdigit() or int(text) > 2000:
                errors.append(RowError(number, column, text, "JP must be a whole number 0-2000"))
            else:
                hours[int(jp.group(2))] = int(text)
    return ratings, hours


def _grade(text: str, kind: str) -> str | None:
    if kind == "PPPK":
        return text.upper() if text.upper() in PPPK_GRADES else None
    match = re.fullmatch(r"(IV|III|II|I)\s*[/\-. ]?\s*([a-eA-E])", text.strip().upper())
    if not match:
        return None
    grade = f"{match.group(1)}/{match.group(2).lower()}"
    return grade if grade in PNS_GRADES else None


def _nip_cell(cells: dict[str, Any], number: int, errors: list[RowError]) -> str:
    """The NIP of a competency or training row (its structure was checked on import)."""
    raw_nip = nip.normalise(_text(cells.get("nip")))
    if not nip.is_nip_shaped(raw_nip):
        errors.append(RowError(number, "nip", _text(cells.get("nip")), "an NIP has 18 digits"))
    return raw_nip


def _competency(
    cells: dict[str, Any], number: int, today: date, errors: list[RowError]
) -> dict[str, Any]:
    raw_nip = _nip_cell(cells, number, errors)
    code = _checked(
        cells, "competency", _competency_code,
        "unknown competency (see content/competencies.toml)", number, errors,
    )  # fmt: skip
    level_text = _text(cells.get("level")).removesuffix(".0")
    if level_text not in ("1", "2", "3", "4", "5"):
        errors.append(RowError(number, "level", level_text, "a level is a whole number 1-5"))
    assessed = _date(cells.get("assessed_on"), "assessed_on", number, errors)
    if assessed is not None and assessed > today:
        errors.append(RowError(number, "assessed_on", assessed.isoformat(), "lies in the future"))
    level = int(level_text) if level_text in ("1", "2", "3", "4", "5") else 0
    return {"nip": raw_nip, "competency": code, "level": level, "assessed_on": assessed}


def _competency_code(text: str) -> str | None:
    key = _key(text)
    for c in catalog.competencies():
        if key in (_key(c.code), _key(c.name_id), _key(c.name_en)):
            return c.code
    return None


def _training(
    cells: dict[str, Any], number: int, today: date, errors: list[RowError]
) -> dict[str, Any]:
    raw_nip = _nip_cell(cells, number, errors)
    year, hours = (
        _text(cells.get("year")).removesuffix(".0"),
        _text(cells.get("hours")).removesuffix(".0"),
    )
    if not (year.isdigit() and 2000 <= int(year) <= today.year):
        errors.append(RowError(number, "year", year, f"a year from 2000 to {today.year}"))
    if not (hours.isdigit() and int(hours) <= 2000):
        errors.append(RowError(number, "hours", hours, "JP must be a whole number 0-2000"))
    return {"nip": raw_nip, "year": int(year) if year.isdigit() else 0,
            "hours": int(hours) if hours.isdigit() else 0}  # fmt: skip


def _rotation(
    cells: dict[str, Any], number: int, today: date, errors: list[RowError]
) -> dict[str, Any]:
    """One person's planned move: NIP, target unit and post, TMT, SK, cohort, reason."""
    raw_nip = _nip_cell(cells, number, errors)
    unit, position_type = _post_cells(cells, number, errors)
    level = LEVELS.get(_text(cells.get("functional_level")).lower().replace("_", " "))
    if _text(cells.get("functional_level")) and level is None:
        errors.append(RowError(number, "functional_level", _text(cells.get("functional_level")),
                               BAD_LEVEL))  # fmt: skip
    texts = {}
    for column, size, required in ROTATION_TEXTS:
        texts[column] = _text(cells.get(column))
        if required and not texts[column]:
            errors.append(RowError(number, column, "", "empty; this column is required"))
        _bounded(texts[column], column, size, number, errors)
    tmt = _date(cells.get("tmt"), "tmt", number, errors)
    if tmt is not None and tmt <= today:
        errors.append(RowError(number, "tmt", tmt.isoformat(),
                               "today or past: no reminder will be sent", "warning"))  # fmt: skip
    elif tmt is not None and tmt > date(today.year + 2, today.month, 1):
        errors.append(RowError(number, "tmt", tmt.isoformat(), "more than two years ahead"))
    return {"nip": raw_nip, "unit_code": unit, "position_type": position_type, "tmt": tmt,
            "functional_level": level if position_type == "fungsional" else None,
            **texts}  # fmt: skip


# Free-text columns of a rotation row: (field, longest, required).
ROTATION_TEXTS = (
    ("position_name", 200, True), ("cohort", 80, True), ("sk_number", 80, False),
    ("reason", 500, False),
)  # fmt: skip


def _bounded(text: str, column: str, size: int, number: int, errors: list[RowError]) -> None:
    """A free text within its column's length, and never a spreadsheet formula."""
    if len(text) > size:
        errors.append(RowError(number, column, text[:40] + "…", f"longer than {size} characters"))
    if text.startswith(FORMULA_START):
        errors.append(RowError(number, column, text, FORMULA_REASON))


def report_csv(errors: list[RowError]) -> bytes:
    """The problems (and warnings, notes) as a CSV an HR officer can open next to their file
    (formula-safe)."""
    rows: list[list[object]] = [[e.row, e.column, e.value, e.reason, e.severity] for e in errors]
    return csv_bytes(["row", "column", "value", "reason", "kind"], rows)
