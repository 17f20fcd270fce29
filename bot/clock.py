"""The time as services see it: the real UTC time, or a moment a test or a preview sets."""

from __future__ import annotations

from datetime import datetime, timedelta

from db.base import utcnow


class Clock:
    """Callable like ``utcnow``; ``set`` fixes the time and ``advance`` moves it on."""

    def __init__(self) -> None:
        self._fixed: datetime | None = None

    def __call__(self) -> datetime:
        return self._fixed or utcnow()

    def set(self, moment: datetime | None) -> None:
        if moment is not None and moment.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._fixed = moment

    def advance(self, by: timedelta) -> None:
        self._fixed = self() + by
