"""The one declaration of the bot's commands: handlers, aliases and the menu come from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # gettext key
    aliases: tuple[str, ...] = ()
    admin: bool = False


COMMANDS: tuple[Command, ...] = (
    Command("start", "command.start"),
    Command("bantuan", "command.help", aliases=("help",)),
    Command("bahasa", "command.language", aliases=("language",)),
    Command("privasi", "command.privacy", aliases=("privacy",)),
    Command("batal", "command.cancel", aliases=("cancel",)),
    Command("admin", "command.admin", admin=True),
    Command("pertanyaan", "command.questions", admin=True),
    Command("muat_ulang", "command.reload", admin=True),
)


def command(name: str) -> Command:
    """The declared command called ``name``."""
    return next(c for c in COMMANDS if c.name == name)


def names(name: str) -> tuple[str, ...]:
    """A command's name followed by its aliases, as CommandHandler takes them."""
    cmd = command(name)
    return (cmd.name, *cmd.aliases)
