"""kill -9 at random moments during a mixed workload (a broadcast, due reminders, rule questions,
/daftar half-way), three times, then SIGTERM: the benchmark of `benchmarks.chaos`, small.

After the last restart every outbox row is sent and every recipient reached, no kill makes more
messages go out twice than were in flight, each /daftar stopped at a kill goes on where it
stopped, and every question is answered except those lost in flight (confirmed by the killed
process, never delivered again), at most one a kill.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.chaos import Figures, Plan, chaos, in_flight_bound, reply_bound

PLAN = Plan(kills=3, broadcast=60, reminders=15, askers=3, seed=11, kill_after=(0.3, 2.0),
            tail=1.0)  # fmt: skip


@pytest.fixture
async def figures(db_url: str, tmp_path: Path) -> Figures:
    if not db_url.startswith("postgresql"):
        pytest.skip("the benchmark's processes run on PostgreSQL here")
    return await chaos(db_url, PLAN, tmp_path)


async def test_kill_9_three_times_loses_and_repeats_only_what_was_in_flight(
    figures: Figures,
) -> None:
    f = figures
    # Outbox: every row sent, every broadcast and reminder recipient reached.
    assert f.outbox.get("sent") == PLAN.broadcast + PLAN.reminders
    assert (f.not_final, f.not_sent, f.undelivered) == (0, 0, 0)
    # Duplicates: at most the messages in flight at each kill.
    assert max(f.duplicates_by_kill.values(), default=0) <= in_flight_bound(f.plan)
    assert max(f.reply_duplicates_by_kill.values(), default=0) <= reply_bound(f.plan)
    # Questions: answered (with an answer), or lost in flight at a kill.
    assert f.questions > PLAN.kills
    assert f.unanswered == 0
    assert f.apologies == 0
    assert f.answered + f.lost == f.questions
    assert f.lost <= PLAN.kills
    # A question sent while no process ran waits for the next one, which answers it.
    assert f.asked_while_down - f.answered_while_down <= f.lost
    # Conversations: each /daftar held at a kill went on after the restart and linked.
    assert f.linkings, "no /daftar was in progress at a kill"
    assert all(r.resumed for r in f.linkings)
    assert f.linked == PLAN.kills
    # Each restart answered someone.
    assert len(f.first_reply_seconds) == PLAN.kills
