"""Rendering of service results into replies, through the translator."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot import callbacks
from bot.commands import allowed
from bot.config import LANGUAGES
from bot.i18n import Translator
from bot.replies import Button, Html, Reply, escape

if TYPE_CHECKING:
    # Only for types: bot.access imports the database models, which `asnbot ask` never needs.
    from bot.access import Access
    from bot.accounts.users import UserInfo


def main_menu(t: Translator, lang: str, consented: bool) -> tuple[tuple[Button, ...], ...]:
    """The buttons under the greeting: help, privacy, language and (until given) consent."""
    rows: list[tuple[Button, ...]] = []
    if not consented:
        rows.append((Button(t(lang, "button.consent"), callbacks.menu("consent")),))
    rows.append(
        (
            Button(t(lang, "button.help"), callbacks.menu("help")),
            Button(t(lang, "button.privacy"), callbacks.menu("privacy")),
        )
    )
    rows.append((Button(t(lang, "button.language"), callbacks.menu("language")),))
    return tuple(rows)


def welcome(t: Translator, user: UserInfo) -> Reply:
    """The /start greeting with the short privacy notice."""
    lang = user.language
    greeting = (
        t(lang, "start.greeting_named", name=_first_name(user.employee_name))
        if user.employee_name
        else t(lang, "start.greeting")
    )
    parts = [greeting, t(lang, "start.capabilities"), t(lang, "privacy.short")]
    if user.consent_at is None:
        parts.append(t(lang, "start.consent_prompt"))
    return Reply("\n\n".join(parts), main_menu(t, lang, user.consent_at is not None))


def help_text(t: Translator, lang: str, consented: bool, access: Access | None = None) -> Reply:
    """What the bot can do, and the commands this person may use (an admin's by role)."""
    parts = [t(lang, "help.text"), t(lang, "help.commands", commands=_listing(t, lang, "user"))]
    if access is not None:
        hr = _listing(t, lang, access.role, above="user")
        parts.append(t(lang, "help.admin_commands", role=role_name(t, lang, access), commands=hr))
    return Reply("\n\n".join(parts), main_menu(t, lang, consented))


def role_name(t: Translator, lang: str, access: Access) -> str:
    """ "Superadmin", "BKD/BKPSDM Kabupaten Kerinci" or "OPD KERINCI-DISDIK"."""
    if access.role == "super":
        return t(lang, "role.super")
    if access.role == "gov":
        return t(lang, "role.gov", government=access.region or access.region_code or "")
    return t(lang, "role.unit", unit=access.unit_code or "", government=access.region or "")


def _listing(t: Translator, lang: str, level: str, above: str | None = None) -> Html:
    """One line per command of ``level`` (English aliases in English), leaving out those a
    role at ``above`` already has."""
    skip = {c.name for c in allowed(above)} if above else set()
    lines = []
    for c in allowed(level):
        if c.name not in skip:
            name = c.aliases[0] if lang == "en" and c.aliases else c.name
            lines.append(f"/{name} – {escape(t(lang, c.description))}")
    return Html("\n".join(lines))


def privacy(t: Translator, lang: str, consent_at: datetime | None) -> Reply:
    """The full privacy notice and the user's consent status."""
    status = (
        t(lang, "privacy.consent_given", when=t.datetime(consent_at, lang))
        if consent_at
        else t(lang, "privacy.consent_missing")
    )
    buttons = (
        () if consent_at else ((Button(t(lang, "button.consent"), callbacks.menu("consent")),),)
    )
    return Reply(f"{t(lang, 'privacy.full')}\n\n{status}", buttons)


def consent_recorded(t: Translator, lang: str, when: datetime) -> Reply:
    """Confirmation that consent is stored, with its date in the user's language."""
    return Reply(
        t(lang, "privacy.consent_thanks", when=t.datetime(when, lang)), main_menu(t, lang, True)
    )


def language_menu(t: Translator, lang: str) -> Reply:
    """The language choice."""
    row = tuple(
        Button(t(lang, f"language.name.{code}"), callbacks.language(code)) for code in LANGUAGES
    )
    return Reply(t(lang, "language.choose"), (row,))


def language_set(t: Translator, lang: str) -> Reply:
    """Confirmation in the newly chosen language."""
    return Reply(t(lang, "language.set"))


def not_understood(t: Translator, lang: str, can_forward: bool) -> Reply:
    """No answer: say so, and offer to forward the question to a person."""
    rows: list[tuple[Button, ...]] = []
    if can_forward:
        rows.append((Button(t(lang, "button.send_to_hr"), callbacks.HANDOFF_SEND),))
    rows.append((Button(t(lang, "button.help"), callbacks.menu("help")),))
    key = "fallback.not_understood_forward" if can_forward else "fallback.not_understood"
    return Reply(t(lang, key), tuple(rows))


def question_queued(t: Translator, lang: str, number: int) -> Reply:
    """Confirmation that a question went to HR."""
    return Reply(t(lang, "handoff.queued", number=number))


def unknown_command(t: Translator, lang: str) -> Reply:
    """Answer to a command the bot does not have."""
    return Reply(
        t(lang, "fallback.unknown_command"),
        ((Button(t(lang, "button.help"), callbacks.menu("help")),),),
    )


def cancelled(t: Translator, lang: str, had_dialog: bool) -> Reply:
    """Answer to /batal."""
    return Reply(t(lang, "cancel.done" if had_dialog else "cancel.nothing"))


def error(t: Translator, lang: str) -> Reply:
    """The polite apology after an unexpected error."""
    return Reply(t(lang, "error.generic"))


def _first_name(name: str | None) -> str:
    return (name or "").split(" ")[0]
