"""Rendering the outcome of a spreadsheet import for the HR officer who sent it."""

from __future__ import annotations

from bot.i18n import Translator
from bot.importing import RowError
from bot.imports import Applied
from bot.replies import Reply

MAX_LISTED = 20
MAX_VALUE = 60  # characters of a cell value quoted in the message (the CSV has them whole)


def shorten(value: str) -> str:
    """A cell value cut to a length a message can quote."""
    return value if len(value) <= MAX_VALUE else value[: MAX_VALUE - 1] + "…"


def problem_line(error: RowError) -> str:
    return f"row {error.row}, {error.column} {shorten(error.value)!r}: {error.reason}"


def result(t: Translator, lang: str, name: str, kind: str, applied: Applied) -> Reply:
    """Imported (with the encoding it was read in), or rejected with the first problems."""
    if not applied.errors:
        return Reply(t(lang, "import.done", file=name, kind=kind, new=applied.inserted,
                       updated=applied.updated, encoding=applied.encoding))  # fmt: skip
    lines = "\n".join(problem_line(e) for e in applied.errors[:MAX_LISTED])
    more = len(applied.errors) - MAX_LISTED
    if more > 0:
        lines += "\n" + t(lang, "import.more", count=more)
    return Reply(t(lang, "import.rejected", file=name, count=len(applied.errors), rows=lines))


def unreadable(t: Translator, lang: str, name: str, key: str, values: dict[str, object]) -> Reply:
    """A file that cannot be read at all: one line saying why."""
    return Reply(t(lang, "import.unreadable", file=name, reason=t(lang, key, **values)))
