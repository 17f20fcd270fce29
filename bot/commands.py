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
    Command("daftar", "command.link", aliases=("link",)),
    Command("profil", "command.profile", aliases=("profile",)),
    Command("kompetensi", "command.competency", aliases=("competency",)),
    Command("pelatihan", "command.training", aliases=("training",)),
    Command("karier", "command.career", aliases=("career",)),
    Command("keluar", "command.unlink", aliases=("unlink",)),
    Command("hapus_data", "command.delete", aliases=("delete_data",)),
    Command("admin", "command.admin", admin=True),
    Command("pertanyaan", "command.questions", admin=True),
    Command("muat_ulang", "command.reload", admin=True),
    Command("kode_tautan", "command.link_code", admin=True),
    Command("profil_pegawai", "command.employee_profile", admin=True),
    Command("rotasi", "command.rotations", aliases=("rotation",)),
    Command("rotasi_tmt", "command.rotation_move", admin=True),
    Command("rotasi_batal", "command.rotation_cancel", admin=True),
    Command("kesiapan", "command.readiness", aliases=("readiness",), admin=True),
    Command("mentor", "command.mentor", admin=True),
)


def command(name: str) -> Command:
    """The declared command called ``name``."""
    return next(c for c in COMMANDS if c.name == name)


def names(name: str) -> tuple[str, ...]:
    """A command's name followed by its aliases, as CommandHandler takes them."""
    cmd = command(name)
    return (cmd.name, *cmd.aliases)
