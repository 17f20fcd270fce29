"""The container files, checked without Docker (this machine has no daemon and no image registry):
what the image copies exists, it installs every package, runs commands the CLI has, and the bot
writes only into the image's volumes; compose sets only settings the bot reads."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from bot.cli import cli
from bot.config import DEFAULT_CONFIG, PROJECT_ROOT, load_config

DOCKERFILE = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = (PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8")


def _instructions(name: str) -> list[str]:
    """The arguments of every ``name`` instruction, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return re.findall(rf"^{name} (.+)$", joined, re.M)


def test_the_image_copies_files_that_exist_and_installs_every_package() -> None:
    copied = set()
    for arguments in _instructions("COPY"):
        *sources, _target = arguments.split()
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), source
            copied.add(source)
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    stub_step = next(r for r in _instructions("RUN") if "pip install" in r)
    stubs = re.search(r"mkdir -p ([\w ]+?) &&", stub_step)
    assert stubs is not None
    stubbed = set(stubs.group(1).split())
    assert packages == stubbed  # installed before the code arrives, so a code change is cheap
    assert packages <= copied


def test_the_image_runs_commands_the_cli_has() -> None:
    for name in ("CMD", "HEALTHCHECK"):
        (arguments,) = _instructions(name)
        command = json.loads(arguments[arguments.index("[") :])
        assert command[0] == "asnbot"
        assert command[1] in cli.commands, command


def test_everything_the_bot_writes_is_inside_the_image_s_volumes() -> None:
    (volumes,) = _instructions("VOLUME")
    inside = [Path(v.replace("/app", str(PROJECT_ROOT), 1)) for v in json.loads(volumes)]
    config = load_config(DEFAULT_CONFIG, {})
    database = Path(config.database_url.removeprefix("sqlite:///"))
    written = [database, config.secret_file, config.cache_dir, config.console_files_dir,
               config.drafts_dir]  # fmt: skip
    for path in written:  # the image runs as a user who may write only there
        assert any(path.resolve().is_relative_to(v.resolve()) for v in inside), path


def test_compose_sets_only_settings_the_bot_reads() -> None:
    service = COMPOSE[COMPOSE.index("\n  bot:") :]
    names = set(re.findall(r"^\s+((?:ASNBOT|TELEGRAM)_[A-Z_]+):", service, re.M))
    assert "TELEGRAM_BOT_TOKEN" in names
    assert "ASNBOT_DATABASE_URL" in names
    read = set(re.findall(r'"((?:ASNBOT|TELEGRAM)_[A-Z_]+)"', _config_source()))
    assert names <= read, names - read


def _config_source() -> str:
    import bot.config

    return Path(bot.config.__file__).read_text(encoding="utf-8")
