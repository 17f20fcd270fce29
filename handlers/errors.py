"""The one application-wide error handler."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application, ApplicationHandlerStop

from bot import views
from bot.context import BotContext
from bot.logs import safe_traceback
from handlers.common import send

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error without personal data and apologise to the user once, if there is one.

    Handling of the update stops here, so a failure in group -1 (the database is down, say) is
    not followed by a second failure and a second apology in group 0.
    """
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    # BadRequest subclasses NetworkError in python-telegram-bot, but it is our bug (a message
    # Telegram cannot parse, say), not a network problem: log it loudly and tell the user.
    if isinstance(error, Forbidden | NetworkError) and not isinstance(error, BadRequest):
        log.warning(
            "telegram refused or unreachable (update %s): %s", update_id, type(error).__name__
        )
        raise ApplicationHandlerStop
    if isinstance(error, BadRequest):
        log.error("telegram rejected a request (update %s): %s", update_id, _quoted_out(error))
    else:
        # The frames only: an error's message may quote personal data.
        trace = safe_traceback(error) if error else ""
        log.error("error while handling update %s: %s\n%s", update_id, type(error).__name__, trace)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await send(update, views.error(context.services.translate, context.lang))
        except Exception:
            log.warning("could not send the error apology for update %s", update_id)
    raise ApplicationHandlerStop


def _quoted_out(error: BadRequest) -> str:
    """Telegram's reason without the quoted pieces of our text it may contain."""
    return re.sub(r'"[^"]*"', '"…"', error.message)[:200]


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_error_handler(on_error)
