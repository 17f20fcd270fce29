"""Migrations, SQLite settings and the user and dialogue services on a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, text

from bot.accounts.dialogs import Dialog, DialogService
from bot.context import Services
from db.base import utcnow
from db.migrate import current_revision, head_revision, upgrade
from db.session import async_url, create_engine


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@h:5432/d", "postgresql+asyncpg://u:p@h:5432/d"),
        ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+asyncpg://u@h/d"),
    ],
)
def test_the_async_driver_is_chosen_for_the_user(url: str, expected: str) -> None:
    assert async_url(url) == expected


async def test_migrations_build_the_whole_schema_and_rerun_harmlessly(services: Services) -> None:
    await upgrade(services.engine)  # second time: nothing to do
    async with services.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert {"users", "dialog_states", "employees", "units", "telegram_links", "hr_questions",
            "performance_ratings", "competency_scores", "alembic_version"} <= tables  # fmt: skip
    assert await current_revision(services.engine) == head_revision()


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/sub/dir/wal.sqlite3")
    async with engine.connect() as connection:
        mode = await connection.scalar(text("PRAGMA journal_mode"))
        keys = await connection.scalar(text("PRAGMA foreign_keys"))
    await engine.dispose()
    assert (mode, keys) == ("wal", 1)


async def test_first_contact_creates_the_user_with_the_clients_language(
    services: Services,
) -> None:
    first = await services.users.touch(5, "en-GB")
    again = await services.users.touch(5, "id")
    assert (first.first_contact, first.language) == (True, "en")
    assert (again.first_contact, again.language) == (False, "en")  # stored choice wins


async def test_language_choice_and_consent_are_stored(services: Services) -> None:
    await services.users.touch(6, None)
    await services.users.set_language(6, "en")
    when = await services.users.give_consent(6)
    later = await services.users.give_consent(6)
    info = await services.users.touch(6, "id")
    assert info.language == "en"
    assert info.consent_at == when == later
    assert when.tzinfo is not None


async def test_dialogue_state_is_saved_advanced_and_ended(services: Services) -> None:
    await services.users.touch(7, "id")
    dialogs = services.dialogs
    await dialogs.save(7, Dialog("link", "nip", {"tries": 1}))
    await dialogs.save(7, Dialog("link", "code", {"tries": 2}))
    assert await dialogs.current(7) == Dialog("link", "code", {"tries": 2})
    assert await dialogs.end(7) is True
    assert await dialogs.current(7) is None
    assert await dialogs.end(7) is False


async def test_expired_dialogues_read_as_absent_and_are_purged(services: Services) -> None:
    await services.users.touch(8, "id")
    await services.users.touch(9, "id")
    short = DialogService(services.sessions, ttl_minutes=1)
    await short.save(8, Dialog("link", "nip"))
    await services.dialogs.save(9, Dialog("link", "nip"))
    later = utcnow() + timedelta(minutes=2)
    assert await short.purge_expired(later) == 1
    assert await services.dialogs.current(8) is None
    assert await services.dialogs.current(9) is not None


async def test_deleting_a_user_removes_their_dialogue_and_questions(services: Services) -> None:
    await services.users.touch(10, "id")
    await services.handoff.offer(10, "pertanyaan", "id")
    assert await services.handoff.send_pending(10) == 1
    async with services.sessions() as session, session.begin():
        await session.execute(text("DELETE FROM users WHERE id = 10"))
    async with services.sessions() as session:
        left = await session.scalar(text("SELECT count(*) FROM hr_questions"))
    assert left == 0
