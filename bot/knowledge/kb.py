"""The knowledge base: entries in content/kb/*.toml loaded into immutable objects, and checked.

Every problem is reported with its file, entry id and field, so an HR officer editing the files can
fix them; ``asnbot content check`` prints them all.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from bot.config import CONTENT_DIR

KB_DIR = CONTENT_DIR / "kb"
TELEGRAM_LIMIT = 4096
# Room kept for the sources and date lines the renderer adds under every answer.
FOOTER_ROOM = 600
MAX_PARAGRAPH = 700
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "a", "blockquote"}
CONFIDENCE = ("sure", "likely", "unsure")
FIELDS = {
    "id", "topic", "title_id", "title_en", "questions_id", "informal_id", "questions_en",
    "answer_id", "answer_en", "sources", "effective", "related", "keywords", "confidence",
    "replaces",
}  # fmt: skip
OPTIONAL = {"related", "replaces"}
_ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    title_id: str
    title_en: str
    questions_id: tuple[str, ...]
    informal_id: tuple[str, ...]
    questions_en: tuple[str, ...]
    answer_id: str
    answer_en: str
    sources: tuple[str, ...]
    effective: str  # "2025-10-01", "2025-10" or "2025": as precise as the source allows
    related: tuple[str, ...]
    keywords: tuple[str, ...]
    confidence: str
    file: str
    # Ids of entries merged into this one: old "📖" buttons in chats and old labels still find it.
    replaces: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_id

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" else self.answer_id

    @property
    def questions(self) -> tuple[str, ...]:
        """Every example question, both languages."""
        return self.questions_id + self.informal_id + self.questions_en


@dataclass(frozen=True)
class Problem:
    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.field}: {self.message}"


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    topics: dict[str, dict[str, str]]

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        merged = {old: e for e in self.entries for old in e.replaces}
        return merged | {e.id: e for e in self.entries}


class ContentError(Exception):
    """The knowledge base has problems; ``problems`` lists each one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the knowledge base")
        self.problems = problems


def rendered_text(html: str) -> str:
    """What Telegram shows for a piece of HTML: tags removed, entities decoded."""
    parser = _TagChecker()
    parser.feed(html)
    parser.close()
    return "".join(parser.text)


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> is not allowed in Telegram HTML")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close the open tag")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def load(directory: Path = KB_DIR) -> KnowledgeBase:
    """Load and check every entry file; raise ContentError listing all problems."""
    topics = tomllib.loads((directory / "topics.toml").read_text(encoding="utf-8"))["topics"]
    problems: list[Problem] = []
    entries: list[Entry] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name == "topics.toml":
            continue
        entries.extend(_load_file(path, set(topics), problems))
    problems.extend(_cross_checks(entries))
    if problems:
        raise ContentError(problems)
    return KnowledgeBase(tuple(entries), topics)


def _load_file(path: Path, topics: set[str], problems: list[Problem]) -> list[Entry]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(path.name, "-", "-", f"not valid TOML: {exc}"))
        return []
    entries = []
    for index, raw in enumerate(data.get("entry", [])):
        found: list[Problem] = []
        entry = _entry(path.name, index, raw, topics, found)
        problems.extend(found)
        if entry is not None and not found:
            entries.append(entry)
    return entries


def _entry(
    file: str, index: int, raw: dict[str, Any], topics: set[str], out: list[Problem]
) -> Entry | None:
    name = str(raw.get("id") or f"#{index + 1}")

    def bad(field: str, message: str) -> None:
        out.append(Problem(file, name, field, message))

    for field in sorted(set(raw) - FIELDS):
        bad(field, "unknown field")
    for field in sorted(FIELDS - set(raw) - OPTIONAL):
        bad(field, "missing")
    if out:
        return None
    if not _ID_RE.match(raw["id"]):
        bad("id", "use lower-case letters, digits and single hyphens")
    if raw["topic"] not in topics:
        bad("topic", f"unknown topic {raw['topic']!r}")
    for field in ("title_id", "title_en"):
        _text(raw[field], 3, 90, field, bad)
    for field, minimum in (("questions_id", 2), ("informal_id", 2), ("questions_en", 1)):
        _questions(raw[field], minimum, field, bad)
    for field in ("answer_id", "answer_en"):
        _answer(raw[field], field, bad)
    _list(raw["sources"], 1, "sources", bad)
    _list(raw["keywords"], 2, "keywords", bad)
    effective = _effective(raw["effective"], bad)
    if raw["confidence"] not in CONFIDENCE:
        bad("confidence", f"use one of {', '.join(CONFIDENCE)}")
    elif raw["confidence"] == "unsure":
        for field in ("answer_id", "answer_en"):
            if not re.search(r"BKD|BKPSDM", str(raw[field])):
                bad(field, "an [unsure] fact must point the reader to BKD/BKPSDM")
    for field in ("answer_id", "answer_en"):
        for problem in outdated(str(raw[field])):
            bad(field, problem)
    if supervisor_in(str(raw["answer_en"])):
        bad(
            "answer_en",
            '"supervisor" on its own mixes up the pengawas post and one\'s superior: '
            'write "direct superior" (atasan) or "pengawas" (see glossary.toml)',
        )
    if found := indonesian_in(str(raw["answer_en"])):
        words = ", ".join(found)
        bad("answer_en", f"Indonesian words outside a quoted term: {words} (translate, or put "
                         "the term in parentheses or <i>)")  # fmt: skip
    if out or effective is None:
        return None
    return Entry(
        id=raw["id"], topic=raw["topic"], title_id=raw["title_id"], title_en=raw["title_en"],
        questions_id=tuple(raw["questions_id"]), informal_id=tuple(raw["informal_id"]),
        questions_en=tuple(raw["questions_en"]), answer_id=raw["answer_id"].strip(),
        answer_en=raw["answer_en"].strip(), sources=tuple(raw["sources"]), effective=effective,
        related=tuple(raw.get("related", ())), keywords=tuple(raw["keywords"]),
        confidence=raw["confidence"], file=file, replaces=tuple(raw.get("replaces", ())),
    )  # fmt: skip


# Claims the rules brief corrected: (pattern, what makes the mention current, the problem).
OUTDATED = (
    (
        re.compile(r"UU\s*(?:No\.?\s*)?5/2014", re.I),
        re.compile(r"UU\s*(?:No\.?\s*)?20/2023", re.I),
        "cites UU 5/2014 as if current: it was replaced by UU 20/2023 (31 October 2023); say so",
    ),
    (
        re.compile(r"April\s+(?:dan|and|&amp;)\s+Oktober|April\s+and\s+October", re.I),
        re.compile(r"PerBKN\s*4/2025", re.I),
        "names the April/October promotion periods without saying that since 1 October 2025 "
        "promotions are monthly (PerBKN 4/2025)",
    ),
)


_INDONESIAN = re.compile(
    r"\b(dan|yang|untuk|dengan|tidak|adalah|atau|dari|pada|sudah|belum|harus|dalam|bisa)\b"
)
_QUOTED = re.compile(r"\([^)]*\)|<i>.*?</i>|<[^>]+>|\"[^\"]*\"", re.S)


_SUPERVISOR = re.compile(r"\bsupervisors?\b(?! leadership)", re.I)


def supervisor_in(answer_en: str) -> bool:
    """Whether an English answer says "supervisor" outside a quoted or bracketed term."""
    return bool(_SUPERVISOR.search(_QUOTED.sub(" ", answer_en)))


def indonesian_in(answer_en: str) -> list[str]:
    """Indonesian function words in an English answer, leaving out quoted terms."""
    return sorted(set(_INDONESIAN.findall(_QUOTED.sub(" ", answer_en))))


def outdated(answer: str) -> list[str]:
    """The corrected claims an answer repeats without the correction."""
    return [problem for claim, current, problem in OUTDATED
            if claim.search(answer) and not current.search(answer)]  # fmt: skip


def _text(value: Any, low: int, high: int, field: str, bad: Any) -> None:
    if not isinstance(value, str) or not low <= len(value.strip()) <= high:
        bad(field, f"must be text of {low}-{high} characters")


def _list(value: Any, minimum: int, field: str, bad: Any) -> None:
    if not isinstance(value, list) or len(value) < minimum:
        bad(field, f"must be a list of at least {minimum}")
    elif not all(isinstance(v, str) and v.strip() for v in value):
        bad(field, "every item must be non-empty text")


def _questions(value: Any, minimum: int, field: str, bad: Any) -> None:
    _list(value, minimum, field, bad)
    if isinstance(value, list):
        for question in value:
            if isinstance(question, str) and not 3 <= len(question) <= 200:
                bad(field, f"question of {len(question)} characters: {question[:40]!r}")


def _answer(value: Any, field: str, bad: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        bad(field, "missing answer")
        return
    checker = _TagChecker()
    checker.feed(value)
    checker.close()
    for error in checker.errors + [f"<{t}> is never closed" for t in checker.stack]:
        bad(field, error)
    text = "".join(checker.text)
    if len(text) > TELEGRAM_LIMIT - FOOTER_ROOM:
        bad(field, f"{len(text)} characters; at most {TELEGRAM_LIMIT - FOOTER_ROOM}")
    for paragraph in text.split("\n\n"):
        if len(paragraph) > MAX_PARAGRAPH:
            bad(field, f"a paragraph of {len(paragraph)} characters; split it for a phone screen")


def _effective(value: Any, bad: Any) -> str | None:
    text = value.isoformat() if isinstance(value, date) else str(value)
    try:
        effective_date(text)
    except ValueError:
        bad("effective", f"{value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
        return None
    return text


def effective_date(text: str) -> date:
    """The first day an ``effective`` value can mean (for sorting and display)."""
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError(text)
    parts = [int(p) for p in text.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])


def _cross_checks(entries: list[Entry]) -> list[Problem]:
    problems = []
    ids: dict[str, Entry] = {}
    for entry in entries:
        if entry.id in ids:
            problems.append(
                Problem(entry.file, entry.id, "id", f"also used in {ids[entry.id].file}")
            )
        ids[entry.id] = entry
    merged: dict[str, str] = {}
    for entry in entries:
        for old in entry.replaces:
            if old in ids or old in merged or not _ID_RE.match(old):
                where = merged.get(old) or (ids[old].file if old in ids else "the id rules")
                problems.append(Problem(entry.file, entry.id, "replaces", f"{old!r}: see {where}"))
            merged[old] = entry.id
    seen: dict[str, str] = {}
    for entry in entries:
        for related in entry.related:
            if related not in ids or related == entry.id:
                problems.append(Problem(entry.file, entry.id, "related", f"no entry {related!r}"))
        for question in entry.questions:
            key = " ".join(re.sub(r"[^\w\s]", " ", question.lower()).split())
            if key in seen and seen[key] != entry.id:
                message = f"{question!r} is also an example question of {seen[key]}"
                problems.append(Problem(entry.file, entry.id, "questions", message))
            seen[key] = entry.id
    return problems
