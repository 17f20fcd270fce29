"""Building a version of the knowledge base: entries, lexicon, refusals and the search index.

A version is immutable. Building one from the files takes about a second, so it is built once
per content: kept in memory for the process and pickled to a cache folder keyed by a hash of the
content files and of this package's code. A start-up with unchanged content only unpickles.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from bot.knowledge import kb
from bot.knowledge.normalize import LEXICON_FILE, Lexicon
from bot.knowledge.refusals import REFUSALS_FILE, Refusals
from bot.knowledge.search import SearchIndex

log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Version:
    base: kb.KnowledgeBase
    lexicon: Lexicon
    refusals: Refusals
    index: SearchIndex
    stamp: tuple[float, ...]  # modification times of the files, to notice edits cheaply


# The last version built in this process, by folder and file times.
_BUILT: dict[tuple[Path, tuple[float, ...]], Version] = {}


def files(kb_dir: Path) -> list[Path]:
    return [*sorted(kb_dir.glob("*.toml")), LEXICON_FILE, REFUSALS_FILE]


def stamp(kb_dir: Path) -> tuple[float, ...]:
    return tuple(p.stat().st_mtime for p in files(kb_dir))


def build(kb_dir: Path, cache_dir: Path | None = None) -> Version:
    """The version for the files as they are now; raises kb.ContentError on bad content."""
    now = stamp(kb_dir)
    if (known := _BUILT.get((kb_dir, now))) is not None:
        return known
    cache = cache_dir / f"knowledge-{_digest(kb_dir)}.pickle" if cache_dir else None
    version = _unpickled(cache, now) if cache else None
    if version is None:
        base = kb.load(kb_dir)
        lexicon = Lexicon.load()
        version = Version(base, lexicon, Refusals.load(), SearchIndex(base.entries, lexicon), now)
        if cache is not None:
            _pickle(version, cache)
    _BUILT.clear()
    _BUILT[(kb_dir, now)] = version
    return version


def _digest(kb_dir: Path) -> str:
    """A hash of the content files and of the code that turns them into an index."""
    digest = hashlib.sha256()
    for path in [*files(kb_dir), *sorted(PACKAGE_DIR.glob("*.py"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _unpickled(path: Path, now: tuple[float, ...]) -> Version | None:
    try:
        with path.open("rb") as handle:
            version = pickle.load(handle)  # our own cache folder, written by _pickle below
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file: rebuild and overwrite it
        log.warning("knowledge cache unreadable, rebuilding: %s", type(exc).__name__)
        return None
    return replace(version, stamp=now) if isinstance(version, Version) else None


def _pickle(version: Version, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        with temporary.open("wb") as handle:
            pickle.dump(version, handle, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)  # atomic: a reader sees the old file or the whole new one
        for old in path.parent.glob("knowledge-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("knowledge cache not written: %s", type(exc).__name__)
