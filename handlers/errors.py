"""The one application-wide error handler."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError
from telegram.ext import Application

from bot import views
from bot.context import BotContext
from handlers.common import send

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error without personal data and apologise to the user, if there is one."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden | NetworkError):
        log.warning(
            "telegram refused or unreachable (update %s): %s", update_id, type(error).__name__
        )
        return
    # exc_info carries the traceback; messages and user data are never passed to the logger.
    log.error(
        "error while handling update %s: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await send(update, views.error(context.services.translate, context.lang))
        except Exception:
            log.warning("could not send the error apology for update %s", update_id)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_error_handler(on_error)
