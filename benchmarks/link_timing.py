"""Does the time of a wrong linking code tell whether the NIP exists?

Run: .venv/bin/python -m benchmarks.link_timing [--attempts 300]
The link service in-process on a real SQLite file: demo employees, each with an issued code,
then a wrong code for an existing NIP and for a well-formed NIP nobody has, interleaved (the
order alternating each round, so a noisy moment of a shared machine falls on both alike). Every
attempt comes from a fresh account for a fresh NIP, so it takes the full "wrong code" path and
no limit is met. Prints the median and p90 of each in milliseconds and the ratio of the medians
(1.00 is indistinguishable). The tests compare the statements and hashes; this shows the time.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bot.accounts.linking import LinkResult
from bot.career import demo
from bot.career import nip as nips
from bot.config import DEFAULT_CONFIG, load_config
from bot.context import Services
from bot.maintenance import seed
from db.migrate import upgrade

WRONG = "ZZZZ-ZZZZ"
WARM_UP = 20
FIRST_USER = 900_000


def unknown_nips(count: int, taken: set[str], seed_value: int = 11) -> list[str]:
    """Well-formed NIPs (real birth and appointment dates) that no employee has."""
    rng = random.Random(seed_value)
    found: list[str] = []
    while len(found) < count:
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(30 * 365))
        appointed = date(birth.year + rng.randint(20, 30), rng.randint(1, 12), 1)
        candidate = nips.build(birth, appointed, rng.choice("LP"), rng.randint(1, 999))
        if candidate not in taken and candidate not in found:
            nips.parse(candidate, date(2026, 11, 28))
            found.append(candidate)
    return found


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


async def run(attempts: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="asnbot-link-timing-"))
    env = {"ASNBOT_DATABASE_URL": f"sqlite:///{folder / 'link.sqlite3'}"}
    config = load_config(DEFAULT_CONFIG, env).with_changes(secret_file=folder / "secret.key")
    svc = Services.create(config)
    await upgrade(svc.engine)
    total = attempts + WARM_UP
    await seed(svc.sessions, total)
    known = [p.nip for p in demo.generate(total)]
    for number in known:
        assert await svc.links.issue_code(number, None) is not None
    unknown = unknown_nips(total, set(known))
    times: dict[str, list[float]] = {"existing": [], "unknown": []}
    user = FIRST_USER
    for round_number in range(total):
        pairs = [("existing", known[round_number]), ("unknown", unknown[round_number])]
        for label, target in pairs if round_number % 2 == 0 else pairs[::-1]:
            user += 1
            start = time.perf_counter()
            result = await svc.links.link(user, target, WRONG)
            elapsed = (time.perf_counter() - start) * 1000
            assert result == (LinkResult.INVALID, None), result
            if round_number >= WARM_UP:
                times[label].append(elapsed)
    await svc.engine.dispose()
    medians = {label: statistics.median(values) for label, values in times.items()}
    for label, values in times.items():
        print(f"{label:>8} NIP, wrong code: median {medians[label]:.3f} ms, "
              f"p90 {p90(values):.3f} ms ({len(values)} attempts)")  # fmt: skip
    ratio = medians["existing"] / medians["unknown"]
    print(f"ratio of the medians (existing / unknown): {ratio:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=300)
    asyncio.run(run(parser.parse_args().attempts))


if __name__ == "__main__":
    main()
