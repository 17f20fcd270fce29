"""A Reply's buttons as Telegram's inline keyboard (for handlers and for the sender)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.replies import Reply


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    """The inline keyboard of a reply, if it has buttons."""
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.data) for b in row]
            for row in reply.buttons
        ]
    )
