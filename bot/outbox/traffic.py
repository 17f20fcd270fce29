"""Messages the bot sent in the last second, whoever sent them.

Telegram allows a bot about 30 messages a second in all. The outbox sender reads this meter so
that a broadcast takes only the room the replies to people leave: a person waiting for an
answer goes first, the broadcast fills the rest.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from contextvars import ContextVar

WINDOW = 1.0

# True while the outbox sender sends: it has its own way with failures (the row waits and
# goes back), so the bot does not also repeat these messages on its own.
OUTBOX_SENDING: ContextVar[bool] = ContextVar("outbox_sending", default=False)


class Traffic:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._times: deque[float] = deque()
        self.total = 0

    def recent(self) -> int:
        """Messages in the last second, as of the last note or reading."""
        return len(self._times)

    def note(self) -> None:
        """One message is being sent now."""
        now = self._clock()
        self._forget(now)  # the meter holds one second, however long nobody reads it
        self._times.append(now)
        self.total += 1

    def wait_for_room(self, cap: int) -> float:
        """Seconds until fewer than ``cap`` messages were sent in the last second (0: now)."""
        now = self._clock()
        self._forget(now)
        if len(self._times) < cap:
            return 0.0
        return self._times[-cap] + WINDOW - now

    def _forget(self, now: float) -> None:
        times = self._times
        while times and times[0] <= now - WINDOW:
            times.popleft()
