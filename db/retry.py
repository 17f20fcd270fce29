"""Retrying a transaction that met SQLite's write lock.

WAL mode and a busy timeout make a lock error rare (another writer held the lock longer than the
timeout); when it happens the transaction was rolled back, so running it again is safe. The user
then waits a moment instead of reading an apology.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from tenacity import retry, retry_if_exception, stop_after_attempt, wait_random_exponential

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")


def is_lock_error(error: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" / busy."""
    text = str(getattr(error, "orig", "") or "").lower()
    return isinstance(error, OperationalError) and ("locked" in text or "busy" in text)


def retry_on_lock(function: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run a whole service call (one transaction) again, up to 3 more times, after a lock error.

    The first attempt is a plain call: tenacity's bookkeeping is only paid when a lock was met.
    """
    retrying: Callable[P, Awaitable[T]] = retry(
        retry=retry_if_exception(is_lock_error),
        wait=wait_random_exponential(multiplier=0.05, max=1),
        stop=stop_after_attempt(3),
        before_sleep=lambda state: log.warning(
            "database locked, retrying (attempt %d)", state.attempt_number
        ),
        reraise=True,
    )(function)

    @wraps(function)
    async def first_then_retry(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await function(*args, **kwargs)
        except OperationalError as error:
            if not is_lock_error(error):
                raise
            log.warning("database locked, retrying")
        return await retrying(*args, **kwargs)

    return first_then_retry
