"""The one declaration of the bot's commands: handlers, aliases and the menu come from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # gettext key
    aliases: tuple[str, ...] = ()
    level: str = "user"  # the lowest role that may use it: bot.access.LEVELS
    audit_args: bool = True  # False when the arguments may name a person (a name search)


COMMANDS: tuple[Command, ...] = (
    Command("start", "command.start"),
    Command("bantuan", "command.help", aliases=("help",)),
    Command("bahasa", "command.language", aliases=("language",)),
    Command("privasi", "command.privacy", aliases=("privacy",)),
    Command("batal", "command.cancel", aliases=("cancel",)),
    Command("daftar", "command.link", aliases=("link",)),
    Command("profil", "command.profile", aliases=("profile",)),
    Command("kompetensi", "command.competency", aliases=("competency",)),
    Command("pelatihan", "command.training", aliases=("training",)),
    Command("karier", "command.career", aliases=("career",)),
    Command("keluar", "command.unlink", aliases=("unlink",)),
    Command("hapus_data", "command.delete", aliases=("delete_data",)),
    Command("admin", "command.admin", level="unit"),
    Command("pertanyaan", "command.questions", level="unit"),
    Command("muat_ulang", "command.reload", level="super"),
    Command("kode_tautan", "command.link_code", level="unit"),
    Command("profil_pegawai", "command.employee_profile", level="unit", audit_args=False),
    Command("rotasi", "command.rotations", aliases=("rotation",)),
    Command("rotasi_tmt", "command.rotation_move", level="gov"),
    Command("rotasi_batal", "command.rotation_cancel", level="gov"),
    Command("kesiapan", "command.readiness", aliases=("readiness",), level="unit"),
    Command("mentor", "command.mentor", level="gov"),
    Command("umumkan", "command.broadcast", aliases=("announce",), level="unit"),
    Command("siaran", "command.broadcasts", aliases=("broadcasts",), level="unit"),
    Command("peran", "command.roles", aliases=("roles",), level="super"),
    Command("audit", "command.audit", level="super"),
)


def command(name: str) -> Command:
    """The declared command called ``name``."""
    return next(c for c in COMMANDS if c.name == name)


def allowed(level: str) -> tuple[Command, ...]:
    """The commands a role at ``level`` may use, in declaration order."""
    from bot.access import LEVELS

    rank = LEVELS.index(level)
    return tuple(c for c in COMMANDS if LEVELS.index(c.level) <= rank)


def names(name: str) -> tuple[str, ...]:
    """A command's name followed by its aliases, as CommandHandler takes them."""
    cmd = command(name)
    return (cmd.name, *cmd.aliases)
