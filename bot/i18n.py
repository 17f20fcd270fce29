"""Translations from the gettext catalogs in content/locales, compiled in memory at start-up."""

from __future__ import annotations

import io
from datetime import date, datetime
from gettext import GNUTranslations
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from bot.config import CONTENT_DIR, LANGUAGES
from bot.replies import Html, escape

LOCALES_DIR = CONTENT_DIR / "locales"
BABEL_LOCALES = {"id": "id_ID", "en": "en_GB"}
TIME_PATTERNS = {"id": "EEEE, d MMMM y HH.mm", "en": "EEEE, d MMMM y HH:mm"}


def load_catalog(language: str, locales_dir: Path = LOCALES_DIR) -> GNUTranslations:
    """Read one .po catalog and compile it to a gettext translation, without touching disk."""
    po_path = locales_dir / language / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return GNUTranslations(buffer)


def pick_language(stored: str | None, telegram_code: str | None, default: str) -> str:
    """The user's choice, else what their Telegram client says, else the default."""
    if stored in LANGUAGES:
        return stored
    code = (telegram_code or "").lower()
    if code.startswith("en"):
        return "en"
    if code.startswith(("id", "ms", "jv", "su")):
        return "id"
    return default


class Translator:
    """Looks up messages and formats dates for one of the supported languages."""

    def __init__(self, timezone: ZoneInfo, default: str = "id") -> None:
        self.timezone = timezone
        self.default = default
        self._catalogs = {lang: load_catalog(lang) for lang in LANGUAGES}

    def __call__(self, lang: str, key: str, **values: object) -> Html:
        """The text for ``key`` in ``lang`` with named placeholders filled in.

        Strings are escaped for Telegram HTML unless they are ``Html`` already (numbers keep
        their format specs).
        """
        catalog = self._catalogs.get(lang) or self._catalogs[self.default]
        text = catalog.gettext(key)
        if text == key and lang != self.default:
            text = self._catalogs[self.default].gettext(key)
        if not values:
            return Html(text)
        safe = {k: escape(v) if isinstance(v, str) else v for k, v in values.items()}
        return Html(text.format(**safe))

    def date(self, value: date | datetime, lang: str, with_weekday: bool = False) -> str:
        """A calendar date in the user's language, e.g. "Sabtu, 28 November 2026"."""
        if isinstance(value, datetime):
            value = value.astimezone(self.timezone).date()
        pattern = "EEEE, d MMMM y" if with_weekday else "d MMMM y"
        return str(babel_format_date(value, pattern, locale=BABEL_LOCALES[lang]))

    def number(self, value: float, lang: str) -> str:
        """A number as the language writes it ("12,5" in Indonesian)."""
        return str(format_decimal(value, format="#,##0.##", locale=BABEL_LOCALES[lang]))

    def effective(self, value: str, lang: str) -> str:
        """An entry's ``effective`` value ("2025-10-01", "2025-10" or "2025") as words."""
        parts = value.split("-")
        if len(parts) == 1:
            return value
        day = date(int(parts[0]), int(parts[1]), int(parts[2]) if len(parts) == 3 else 1)
        pattern = "d MMMM y" if len(parts) == 3 else "MMMM y"
        return str(babel_format_date(day, pattern, locale=BABEL_LOCALES[lang]))

    def datetime(self, value: datetime, lang: str) -> str:
        """A moment in Asia/Jakarta time, e.g. "Sabtu, 28 November 2026 15.30 WIB"."""
        local = value.astimezone(self.timezone)
        pattern = TIME_PATTERNS.get(lang, TIME_PATTERNS["id"])
        text = babel_format_datetime(
            local, pattern, tzinfo=self.timezone, locale=BABEL_LOCALES[lang]
        )
        return f"{text} {local.tzname()}"
