"""Freed heap memory goes back to the system after start-up and reloads."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# A child process, so the test's own heap does not blur the figure: it fills the heap with
# blocks that malloc (not Python's small-object allocator) serves, frees all but the last, and
# reports its resident memory before and after giving the free pages back.
CHILD = textwrap.dedent(
    """
    import gc
    from bot.memory import give_back_freed_memory

    def rss_kib():
        for line in open("/proc/self/status"):
            if line.startswith("VmRSS"):
                return int(line.split()[1])

    blocks = [bytes(4096) for _ in range(20_000)]  # 80 MiB of separate allocations
    keep = blocks[-1:]
    del blocks
    gc.collect()
    before = rss_kib()
    given = give_back_freed_memory()
    print(given, before, rss_kib())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, needs glibc")
def test_freed_memory_goes_back_to_the_system() -> None:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    given, before, after = out.stdout.split()
    assert given == "True"
    assert int(before) - int(after) > 40 * 1024  # most of the 80 MiB was still held before
