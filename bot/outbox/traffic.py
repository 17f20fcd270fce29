"""Messages the bot sent in the last second, whoever sent them.

Telegram allows a bot about 30 messages a second in all. The outbox sender reads this meter so
that a broadcast takes only the room the replies to people leave: a person waiting for an
answer goes first, the broadcast fills the rest.
"""

from __future__ import annotations

import time
from collections import deque

WINDOW = 1.0


class Traffic:
    def __init__(self) -> None:
        self._times: deque[float] = deque()
        self.total = 0

    def note(self) -> None:
        """One message is being sent now."""
        self._times.append(time.monotonic())
        self.total += 1

    def wait_for_room(self, cap: int) -> float:
        """Seconds until fewer than ``cap`` messages were sent in the last second (0: now)."""
        now = time.monotonic()
        times = self._times
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if len(times) < cap:
            return 0.0
        return times[-cap] + WINDOW - now
