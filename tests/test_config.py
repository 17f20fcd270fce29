"""config.toml loads, the environment wins, and wrong values name their key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, ConfigError, load_config


def test_the_shipped_config_loads_with_documented_defaults() -> None:
    config = load_config(DEFAULT_CONFIG, {})
    assert config.telegram.token == ""
    assert config.telegram.mode == "polling"
    assert config.telegram.api_base_url == "https://api.telegram.org/bot"
    assert config.telegram.file_base_url == "https://api.telegram.org/file/bot"
    assert (
        config.database_url == f"sqlite:///{DEFAULT_CONFIG.parent.as_posix()}/data/asnbot.sqlite3"
    )
    assert config.default_language == "id"
    assert str(config.timezone) == "Asia/Jakarta"
    assert config.superadmins == frozenset()


def test_every_key_in_the_shipped_config_is_commented() -> None:
    lines = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            assert lines[number - 1].lstrip().startswith("#"), f"line {number + 1}: {line}"


def test_environment_wins_over_the_file() -> None:
    env = {
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "ASNBOT_DATABASE_URL": "postgresql://u@h/db",
        "ASNBOT_SUPERADMINS": "11, 22",
        "ASNBOT_WEBHOOK_SECRET": "s3cret",
    }
    config = load_config(DEFAULT_CONFIG, env)
    assert config.telegram.token == "123:abc"
    assert config.telegram.api_base_url == "http://127.0.0.1:8081/bot"
    assert config.telegram.file_base_url == "http://127.0.0.1:8081/file/bot"
    assert config.database_url == "postgresql://u@h/db"
    assert config.superadmins == frozenset({11, 22})
    assert config.telegram.webhook.secret_token == "s3cret"


def test_asnbot_config_names_another_file(tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[telegram]\nmode = "webhook"\n[database]\nurl = "sqlite:///x.db"\n')
    config = load_config(None, {"ASNBOT_CONFIG": str(other)})
    assert config.telegram.mode == "webhook"
    assert config.database_url == f"sqlite:///{tmp_path.as_posix()}/x.db"


@pytest.mark.parametrize(
    ("toml", "env", "key"),
    [
        ('[telegram]\nmode = "push"', {}, "telegram.mode"),
        ("[outbox]\nclaim_seconds = 3", {}, "outbox.claim_seconds"),
        ("[outbox]\nmessages_per_second = 31", {}, "outbox.messages_per_second"),
        ("[telegram]\npoll_timeout = -1", {}, "telegram.poll_timeout"),
        ('[telegram]\npoll_timeout = "ten"', {}, "telegram.poll_timeout"),
        ("[telegram.webhook]\nport = 70000", {}, "telegram.webhook.port"),
        ('[i18n]\ntimezone = "Mars/Olympus"', {}, "i18n.timezone"),
        ('[i18n]\ndefault_language = "fr"', {}, "i18n.default_language"),
        ('[admin]\nsuperadmins = ["x"]', {}, "admin.superadmins"),
        ("", {"ASNBOT_SUPERADMINS": "1;2"}, "ASNBOT_SUPERADMINS"),
        ("", {"ASNBOT_DATABASE_URL": "oracle://x"}, "ASNBOT_DATABASE_URL"),
        ("", {"TELEGRAM_API_BASE_URL": "api.telegram.org"}, "TELEGRAM_API_BASE_URL"),
        ("", {"TELEGRAM_BOT_TOKEN": "12/34"}, "TELEGRAM_BOT_TOKEN"),
        ("", {"ASNBOT_WEBHOOK_SECRET": "no spaces allowed"}, "ASNBOT_WEBHOOK_SECRET"),
    ],
)
def test_a_wrong_value_names_the_key(
    tmp_path: Path, toml: str, env: dict[str, str], key: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_config(path, env)
    assert caught.value.key == key
    assert str(caught.value).startswith(f"{key}: ")


def test_broken_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[telegram\nmode=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, {})


@pytest.mark.parametrize(
    ("toml", "key", "problem"),
    [
        ("[rotasi]\nreminder_days = [30]", "rotasi", "unknown section"),
        ("[scheduler]\nsweep_second = 30", "scheduler.sweep_second", "unknown key"),
        ("[telegram.webhok]\nport = 8443", "telegram.webhok", "unknown section"),
        ("[telegram.webhook]\nsecret = 'x'", "telegram.webhook.secret", "unknown key"),
        ("toplevel = 1", "toplevel", "unknown key"),
    ],
)
def test_an_unknown_section_or_key_stops_start_up_naming_it(
    tmp_path: Path, toml: str, key: str, problem: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert caught.value.key == key
    assert problem in str(caught.value)


def test_keys_the_environment_overrides_are_still_known_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[telegram]\ntoken = ""\napi_base_url = "http://x/bot"\n[telegram.webhook]\n'
        'secret_token = ""\n[database]\nurl = "sqlite:///a.db"\n[admin]\nsuperadmins = []\n'
    )
    env = {
        "TELEGRAM_BOT_TOKEN": "1:a",
        "TELEGRAM_API_BASE_URL": "http://y/bot",
        "ASNBOT_WEBHOOK_SECRET": "s",
        "ASNBOT_DATABASE_URL": "sqlite:///b.db",
        "ASNBOT_SUPERADMINS": "5",
    }
    config = load_config(path, env)
    assert config.telegram.api_base_url == "http://y/bot"
    assert config.superadmins == frozenset({5})


def test_the_command_line_names_an_unknown_key_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[scheduler]\nsweep_second = 30\n")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "kapan naik pangkat"],
        env={**os.environ, "ASNBOT_CONFIG": str(path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "asnbot: configuration error: scheduler.sweep_second: unknown key (a typo?)"
    ]
