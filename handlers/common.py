"""Turning a Reply into a Telegram message."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.keyboard import markup
from bot.replies import Reply, split_reply

# The bot works in private chats only: personal data must never land in a group.
PRIVATE = filters.ChatType.PRIVATE


async def send(update: Update, reply: Reply) -> Message | None:
    """Send the reply into the chat the update came from (in parts when it is too long)."""
    chat = update.effective_chat
    if chat is None:
        return None
    message = None
    for part in split_reply(reply):
        message = await chat.send_message(part.text, reply_markup=markup(part))
    return message
