"""HR admins send a CSV or XLSX file to the bot and get the same report as `asnbot import`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import BotContext
from bot.hr import views as hr_views
from bot.replies import Reply
from handlers.common import PRIVATE, send
from handlers.fallback import catch_all_media, to_media_flow
from handlers.hr.admin import for_level


def kind_of(filename: str, caption: str) -> str:
    """Which import a file is, from its caption or name: rotations, competencies, training or
    employees."""
    text = f"{caption} {filename}".lower()
    if any(word in text for word in ("rotasi", "rotation", "mutasi")):
        return "rotations"
    if any(word in text for word in ("kompetensi", "competenc", "asesmen")):
        return "competencies"
    if any(word in text for word in ("pelatihan", "training", "jp", "diklat")):
        return "training"
    return "employees"


async def import_document(update: Update, context: BotContext) -> None:
    """Check the file in the worker process, apply it when every row is valid, report."""
    from bot.hr import checking  # here: the import machinery is only for the files HR sends
    from bot.hr.imports import apply

    if await to_media_flow(update, context):  # a file for an announcement, not an import
        return
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    assert update.effective_user is not None
    svc, t, lang = context.services, context.services.translate, context.lang
    name = message.document.file_name or "file.csv"
    limits = checking.Limits.of(svc.config.imports)
    if not name.lower().endswith((".csv", ".xlsx", ".xlsm")):
        await send(update, Reply(t(lang, "import.bad_type")))
        return
    if (message.document.file_size or 0) > limits.max_bytes:
        too_big: dict[str, object] = {"limit_mb": svc.config.imports.max_file_mb}
        await send(update, hr_views.unreadable(t, lang, name, "import.file.too_big", too_big))
        return
    content = bytes(await (await message.document.get_file()).download_as_bytearray())
    kind = kind_of(name, message.caption or "")
    today = svc.planner.today(svc.clock())
    parsed = await svc.cpu.run(checking.parse, content, name, kind, today, None, limits, True)
    if parsed.problem is not None:
        key, values = parsed.problem
        await send(update, hr_views.unreadable(t, lang, name, key, values))
        return
    user = update.effective_user.id
    applied = await apply(svc.sessions, parsed, user, svc.planner, svc.clock())
    if applied.errors or applied.warnings:
        # The report goes first: it holds every problem, whatever happens to the message.
        assert update.effective_chat is not None
        report = checking.report_csv([*applied.errors, *applied.warnings])
        await update.effective_chat.send_document(report, filename=f"laporan-{name}.csv")
    await send(update, hr_views.result(t, lang, name, parsed.kind, applied))


def register(app: Application) -> None:  # type: ignore[type-arg]
    # Imports change everyone's data: superadmins only; anyone else's file is not understood.
    run = for_level("super", "import_file", import_document, catch_all_media)
    app.add_handler(MessageHandler(PRIVATE & filters.Document.ALL, run))
