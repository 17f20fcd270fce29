"""Catalogs are complete and consistent; dates are shown in Asia/Jakarta in the user's language."""

from __future__ import annotations

import re
import string
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po

from bot.broadcast.audience import KINDS
from bot.career.views import LEVEL_KEYS, POSITION_KEYS
from bot.commands import COMMANDS
from bot.config import LANGUAGES
from bot.hr import audit
from bot.hr.questions import CLOSE_REASONS
from bot.hr.views import MENU_BUTTONS
from bot.i18n import LOCALES_DIR, Translator, load_catalog, pick_language
from bot.knowledge.refusals import Refusals
from bot.rotation.guide import BLOCKS
from bot.rotation.mentoring import Assigned
from bot.rotation.readiness import BLOCK_ANSWERS, CHECKINS, REASONS, STATUSES

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""\bt\(\s*[\w.]+,\s*(?:f?)["']([a-z_][a-z0-9_.{}]*)["']""")
T = Translator(ZoneInfo("Asia/Jakarta"))
PLACEHOLDER_VALUES = {
    "code": LANGUAGES,
    "category": Refusals.load().names,
    "value": LEVEL_KEYS,
    "v": (
        "education",
        "age",
        "prior",
        "service",
        "education_d3",
        "education_s1",
        "years_4",
        "years_3",
    ),
    "report.category": ("memenuhi", "masih_memenuhi", "kurang"),
    "post": POSITION_KEYS,
    "advice.position_type": POSITION_KEYS,
    "status": STATUSES,
    "block": BLOCKS,
    "barrier": BLOCKS,
    "reason": REASONS,
    "checkin": CHECKINS,
    "choice": BLOCK_ANSWERS,
    "assigned": tuple(a.value for a in Assigned),
    "name": MENU_BUTTONS,
    "why": CLOSE_REASONS,
    "p": POSITION_KEYS,
    "kind": KINDS,
    "audience.kind": KINDS,
    "f.status": ("scheduled", "sending", "done", "cancelled"),
    "result.talk": ("greeting", "thanks", "unclear"),
    "info.gender": ("L", "P"),
    "c": audit.COLUMNS,
}


def _messages(lang: str) -> dict[str, str]:
    with (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


LITERAL_KEY = re.compile(r'(?:Finding\(|gaps\.append\()\s*"([a-z_]+\.[a-z_.]+)"')


def _keys_in_code() -> set[str]:
    keys: set[str] = set()
    for path in (ROOT / "bot" / "career" / name for name in ("eligibility.py", "profile.py")):
        keys.update(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        for key in KEY_USE.findall(path.read_text(encoding="utf-8")):
            if "{" in key:  # f-string key: expand over what the placeholder can be
                name = key[key.index("{") + 1 : key.index("}")]
                keys.update(key.replace(f"{{{name}}}", v) for v in PLACEHOLDER_VALUES[name])
            else:
                keys.add(key)
    return keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles_and_has_no_untranslated_message(lang: str) -> None:
    load_catalog(lang)
    empty = [key for key, text in _messages(lang).items() if not text]
    assert empty == []


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    ids, ens = _messages("id"), _messages("en")
    assert set(ids) == set(ens)
    fields = string.Formatter()
    for key in ids:
        assert {f[1] for f in fields.parse(ids[key])} == {f[1] for f in fields.parse(ens[key])}, (
            key
        )


def test_every_key_used_in_code_is_in_the_catalogs() -> None:
    used = _keys_in_code()
    assert len(used) > 20
    assert used - set(_messages("id")) == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_has_a_description_in_every_language(lang: str) -> None:
    for command in COMMANDS:
        description = T(lang, command.description)
        assert description != command.description
        assert 3 <= len(description) <= 256


def test_dates_are_formatted_by_babel_in_the_users_language() -> None:
    day = date(2026, 11, 28)
    assert T.date(day, "id") == "28 November 2026"
    assert T.date(day, "id", with_weekday=True) == "Sabtu, 28 November 2026"
    assert T.date(day, "en", with_weekday=True) == "Saturday, 28 November 2026"
    assert T.date(date(2026, 8, 17), "id") == "17 Agustus 2026"


def test_times_are_shown_in_jakarta() -> None:
    moment = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)  # 03:30 next day in WIB
    assert T.datetime(moment, "id") == "Minggu, 29 November 2026 03.30 WIB"
    assert T.datetime(moment, "en") == "Sunday, 29 November 2026 03:30 WIB"
    assert T.date(moment, "id") == "29 November 2026"


def test_placeholders_are_filled() -> None:
    assert "nomor 7" in T("id", "handoff.queued", number=7)
    assert "number 7" in T("en", "handoff.queued", number=7)


@pytest.mark.parametrize(
    ("stored", "telegram", "expected"),
    [("en", "id", "en"), (None, "en-US", "en"), (None, "id", "id"), (None, "de", "id"),
     (None, None, "id"), ("xx", "en", "en")],
)  # fmt: skip
def test_language_is_the_choice_then_the_client_then_the_default(
    stored: str | None, telegram: str | None, expected: str
) -> None:
    assert pick_language(stored, telegram, "id") == expected
