"""HR admins send a CSV or XLSX file to the bot and get the same report as `asnbot import`."""

from __future__ import annotations

import html
from datetime import datetime

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot import importing
from bot.config import Config
from bot.context import BotContext
from bot.imports import apply
from bot.replies import Reply
from handlers.admin import admin_filter
from handlers.common import PRIVATE, send

MAX_LISTED = 20


def kind_of(filename: str, caption: str) -> str:
    """Which import a file is, from its caption or name: competencies, training or employees."""
    text = f"{caption} {filename}".lower()
    if any(word in text for word in ("kompetensi", "competenc", "asesmen")):
        return "competencies"
    if any(word in text for word in ("pelatihan", "training", "jp", "diklat")):
        return "training"
    return "employees"


async def import_document(update: Update, context: BotContext) -> None:
    """Check the file, apply it when every row is valid, and report like the CLI."""
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    assert update.effective_user is not None
    t, lang = context.services.translate, context.lang
    name = message.document.file_name or "file.csv"
    if not name.lower().endswith((".csv", ".xlsx", ".xlsm")):
        await send(update, Reply(t(lang, "import.bad_type")))
        return
    content = bytes(await (await message.document.get_file()).download_as_bytearray())
    kind = kind_of(name, message.caption or "")
    today = datetime.now(context.services.config.timezone).date()
    parsed = importing.parse(content, name, kind, today)
    applied = await apply(context.services.sessions, parsed, update.effective_user.id)
    if not applied.errors:
        await send(update, Reply(t(lang, "import.done", file=html.escape(name), kind=kind,
                                   new=applied.inserted, updated=applied.updated)))  # fmt: skip
        return
    lines = "\n".join(
        html.escape(f"row {e.row}, {e.column} {e.value!r}: {e.reason}")
        for e in applied.errors[:MAX_LISTED]
    )
    text = t(
        lang, "import.rejected", file=html.escape(name), count=len(applied.errors), rows=lines
    )
    await send(update, Reply(text))
    assert update.effective_chat is not None
    report = importing.report_csv(list(applied.errors))
    await update.effective_chat.send_document(report, filename=f"laporan-{name}.csv")


def register(app: Application, config: Config) -> None:  # type: ignore[type-arg]
    only_admins = admin_filter(config) & PRIVATE & filters.Document.ALL
    app.add_handler(MessageHandler(only_admins, import_document))
