"""A bare python-telegram-bot echo bot: the baseline of ``benchmarks.throughput``.

Run by the benchmark as a subprocess with TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL set, and
ECHO_RATE_LIMITER=1 to pace its messages like the real bot.
"""

from __future__ import annotations

import os

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None and update.effective_message is not None:
        await update.effective_chat.send_message(update.effective_message.text or "")


def main() -> None:
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(64)
    )
    if os.environ.get("ECHO_RATE_LIMITER") == "1":
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(timeout=1, allowed_updates=["message"])


if __name__ == "__main__":
    main()
