"""Concurrency: different users' updates run side by side, one user's updates run in order."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)


def update_key(update: object) -> int | None:
    """Whose update this is: the user, else the chat; None for updates of no one."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Serialises each user's updates behind a lock and caps how many may wait.

    A user with more than ``max_pending`` updates waiting has the extra ones dropped, so one
    flooding account can hold at most that many of the global slots and never starves the rest.
    """

    def __init__(self, max_concurrent_updates: int, max_pending: int) -> None:
        super().__init__(max_concurrent_updates)
        self.max_pending = max_pending
        self.dropped = 0
        self._locks: dict[int, asyncio.Lock] = {}
        self._pending: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is None:
            await coroutine
            return
        if self._pending.get(key, 0) >= self.max_pending:
            self.dropped += 1
            log.warning("dropped an update from a flooding user (%d dropped so far)", self.dropped)
            _close(coroutine)
            return
        self._pending[key] = self._pending.get(key, 0) + 1
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                await coroutine
        finally:
            self._pending[key] -= 1
            if self._pending[key] == 0:
                del self._pending[key]
                self._locks.pop(key, None)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down: the locks die with the process."""


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
