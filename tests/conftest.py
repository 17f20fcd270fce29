"""Shared fixtures: databases (SQLite always, PostgreSQL when configured), config, fake Bot API."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.config import DEFAULT_CONFIG, Config, load_config
from bot.context import Services
from db.migrate import upgrade
from tests.fake_bot_api import FakeBotApi

_URL = os.environ.get("ASNBOT_TEST_POSTGRES_URL", "")
# Each pytest-xdist worker empties and fills its own database: asnbot_test_gw0, _gw1, …
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
POSTGRES_URL = f"{_URL}_{_WORKER}" if _URL and _WORKER else _URL
ADMIN_ID = 4242


def _backends() -> list[Any]:
    marks = [] if POSTGRES_URL else [pytest.mark.skip(reason="ASNBOT_TEST_POSTGRES_URL not set")]
    return ["sqlite", pytest.param("postgresql", marks=marks)]


async def _reset_postgres(url: str) -> None:
    """Empty the test database (made when missing): drop and recreate the public schema."""
    plain = url.replace("postgresql+asyncpg://", "postgresql://")
    try:
        connection = await asyncpg.connect(plain)
    except asyncpg.InvalidCatalogNameError:
        server, name = plain.rsplit("/", 1)
        admin = await asyncpg.connect(f"{server}/postgres")
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        connection = await asyncpg.connect(plain)
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


@pytest.fixture(params=_backends())
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a real SQLite file, or the PostgreSQL test database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite3'}"
    await _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def make_config(db_url: str, tmp_path: Path) -> Callable[..., Config]:
    """Build a Config from the repo's config.toml with test values from the 'environment'."""

    def _make(api: FakeBotApi | None = None, **changes: Any) -> Config:
        env = {"ASNBOT_DATABASE_URL": db_url, "ASNBOT_SUPERADMINS": str(ADMIN_ID)}
        if api is not None:
            env |= {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE_URL": api.base_url}
        config = load_config(DEFAULT_CONFIG, env)
        config = config.with_changes(
            console_files_dir=tmp_path / "files",
            drafts_dir=tmp_path / "drafts",
            secret_file=tmp_path / "secret.key",
        )
        return config.with_changes(**changes) if changes else config

    return _make


@pytest.fixture
def config(make_config: Callable[..., Config]) -> Config:
    return make_config()


@pytest.fixture
async def services(config: Config) -> AsyncIterator[Services]:
    """The real services on a freshly migrated database."""
    built = Services.create(config)
    await upgrade(built.engine)
    yield built
    await built.engine.dispose()


@pytest.fixture
def bot_config(make_config: Callable[..., Config], fake_api: FakeBotApi) -> Config:
    """The bot on the fake Bot API, long polling (test modules may override it)."""
    from tests.bot_harness import for_mode

    return for_mode(make_config(fake_api), "polling")


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()
