"""Engine and session factory; the async driver is picked from a plain URL."""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]


def async_url(url: str) -> str:
    """Turn sqlite:/// and postgresql:// URLs into their asyncio-driver form."""
    url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+asyncpg://", url)
    return re.sub(r"^sqlite(\+\w+)?://", "sqlite+aiosqlite://", url)


def create_engine(url: str, echo: bool = False, busy_timeout_ms: int = 10_000) -> AsyncEngine:
    """Create the process's engine; SQLite gets WAL, foreign keys and a busy timeout.

    Statement parameters (NIPs, names) never appear in error messages or tracebacks.
    """
    # SQLite writes one at a time: a few connections (each a thread) are enough. On PostgreSQL
    # one update holds a connection for one statement, so 5 + 5 serve the update slots.
    options: dict[str, Any] = {"pool_size": 5, "max_overflow": 5}
    if async_url(url).startswith("sqlite"):
        options = {"pool_size": 2, "max_overflow": 3}
    engine = create_async_engine(async_url(url), echo=echo, hide_parameters=not echo, **options)
    if engine.dialect.name == "sqlite":
        database = engine.url.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, busy_timeout_ms))
    return engine


def _sqlite_pragmas(busy_timeout_ms: int, dbapi_connection: Any, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def autocommit(engine: AsyncEngine) -> SessionFactory:
    """Sessions for single statements. On PostgreSQL they send no BEGIN and ROLLBACK around a
    lone SELECT (three round trips become one); SQLite sends none for a SELECT anyway, and
    switching its connection's mode would cost two thread hops, so it keeps the usual ones."""
    if engine.dialect.name != "postgresql":
        return session_factory(engine)
    return session_factory(engine.execution_options(isolation_level="AUTOCOMMIT"))


def session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded values after commit (services return them)."""
    return async_sessionmaker(engine, expire_on_commit=False)
