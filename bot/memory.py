"""Giving freed heap memory back to the operating system.

Start-up and a content reload free many megabytes (the unpickled or rebuilt search index's
temporaries, migrations, imports). glibc keeps such freed pages in the process unless asked with
``malloc_trim``; a bot that idles for hours would hold them for nothing. Where there is no glibc
(musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


def give_back_freed_memory() -> bool:
    """Return the free pages of the heap to the system; False where that is not possible."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
