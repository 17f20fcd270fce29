"""The console chat: the real handlers, with the Bot API answered in-process and printed.

Nothing here reaches the network. Updates are built from what the user types and fed to the same
Application the Telegram bot runs; what the bot sends comes back through ``ConsoleRequest``.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import App, build_application, services_of, shutdown, startup
from bot.config import Config
from bot.context import CONSOLE_CHAT, LANGUAGE_OVERRIDE
from bot.jobs import send_due
from bot.replies import html_to_text
from handlers.fallback import FlowStep

BOT_USER = {
    "id": 1,
    "is_bot": True,
    "first_name": "Asisten Karier ASN",
    "username": "asisten_karier_asn_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
_OK_METHODS = {
    "setmycommands", "deletemycommands", "deletewebhook", "setwebhook", "sendchataction",
    "answercallbackquery", "setmydescription", "setmyshortdescription",
}  # fmt: skip


@dataclass
class Sent:
    """One thing the bot sent: text (plain), buttons, or a saved file."""

    text: str
    buttons: list[tuple[str, str]] = field(default_factory=list)
    file: Path | None = None
    message: dict[str, Any] = field(default_factory=dict)


class ConsoleRequest(BaseRequest):
    """Answers the Bot API calls the handlers make, and reports each message sent."""

    def __init__(self, chat: Any, files_dir: Path, on_sent: Callable[[Sent], None]) -> None:
        self._chat = chat
        self._files_dir = files_dir
        self._on_sent = on_sent
        self._ids = itertools.count(1)

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1].lower()
        params = dict(request_data.parameters) if request_data else {}
        result = self._answer(endpoint, params, request_data)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, endpoint: str, params: dict[str, Any], data: RequestData | None) -> Any:
        if endpoint == "getme":
            return BOT_USER
        if endpoint == "getupdates":
            return []
        if endpoint == "answercallbackquery" and params.get("text"):
            self._on_sent(Sent(f"[{params['text']}]"))
        if endpoint in _OK_METHODS:
            return True
        if endpoint in ("sendmessage", "editmessagetext"):
            return self._message(params, str(params.get("text", "")), None)
        if endpoint in ("sendphoto", "senddocument") and data is not None:
            path = self._save(endpoint, data)
            return self._message(params, str(params.get("caption", "")), path)
        return True

    def _message(self, params: dict[str, Any], text: str, path: Path | None) -> dict[str, Any]:
        message = {
            "message_id": int(params.get("message_id") or next(self._ids)),
            "date": int(time.time()),
            "chat": self._chat,
            "from": BOT_USER,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._on_sent(Sent(html_to_text(text), _buttons(params), path, message))
        return message

    def _save(self, endpoint: str, data: RequestData) -> Path | None:
        self._files_dir.mkdir(parents=True, exist_ok=True)
        for name, part in data.multipart_data.items():
            filename, content = part[0], part[1]
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = self._files_dir / f"{stamp}-{next(self._ids)}-{Path(str(filename)).name}"
            payload = content if isinstance(content, bytes) else content.read()
            if path.suffix not in KNOWN_SUFFIXES:  # bare bytes: name the file after its content
                path = path.with_suffix(_suffix(payload))
            path.write_bytes(payload)
            del name
            return path
        return None


KNOWN_SUFFIXES = (".png", ".jpg", ".pdf", ".xlsx", ".csv")


def _suffix(payload: bytes) -> str:
    for magic, suffix in ((b"\x89PNG", ".png"), (b"\xff\xd8", ".jpg"), (b"%PDF", ".pdf"),
                          (b"PK\x03\x04", ".xlsx")):  # fmt: skip
        if payload.startswith(magic):
            return suffix
    return ".bin"


def _buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = (markup or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


class ConsoleChat:
    """One console user talking to the bot; ``say`` returns what the bot sent back."""

    def __init__(
        self,
        config: Config,
        language: str = "id",
        flows: Mapping[str, FlowStep] | None = None,
        force_language: bool = False,
    ) -> None:
        self.config = config
        self.user = {
            "id": config.console_user_id,
            "is_bot": False,
            "first_name": "Pengguna",
            "language_code": language,
        }
        self.chat = {"id": config.console_user_id, "type": "private", "first_name": "Pengguna"}
        self._outbox: list[Sent] = []
        self._last_keyboard: Sent | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)
        request = ConsoleRequest(self.chat, config.console_files_dir, self._outbox.append)
        self.app: App = build_application(config, request=request, rate_limit=False, flows=flows)
        self.app.bot_data[CONSOLE_CHAT] = config.console_user_id
        if force_language:
            self.app.bot_data[LANGUAGE_OVERRIDE] = language

    async def __aenter__(self) -> ConsoleChat:
        await self.app.initialize()
        await startup(self.app)
        await self.app.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.app.stop()
        await shutdown(self.app)
        await self.app.shutdown()

    @property
    def services(self) -> Any:
        return services_of(self.app)

    async def sweep(self) -> list[Sent]:
        """Queue what fell due and send this chat's part of the outbox (the bot's sweep job
        sends nothing in the console, so messages never arrive between two lines)."""
        self._outbox.clear()
        await send_due(self.app.bot, self.services, only_chat=self.config.console_user_id)
        sent = list(self._outbox)
        for item in sent:
            if item.buttons:
                self._last_keyboard = item
        return sent

    async def say(self, text: str) -> list[Sent]:
        """Send one line as the user: ``#N`` presses button N of the last keyboard."""
        text = text.strip()
        if re.fullmatch(r"#\d+", text):
            return await self.press(int(text[1:]))
        return await self._process(self._message_update(text))

    async def press(self, number: int) -> list[Sent]:
        """Press the numbered button of the most recent message that had buttons."""
        keyboard = self._last_keyboard
        if keyboard is None or not 1 <= number <= len(keyboard.buttons):
            return [Sent(f"(tidak ada tombol #{number} / no button #{number})")]
        data = keyboard.buttons[number - 1][1]
        update = {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._message_ids)),
                "from": self.user,
                "chat_instance": str(self.config.console_user_id),
                "message": keyboard.message,
                "data": data,
            },
        }
        return await self._process(update)

    def _message_update(self, text: str) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
            "text": text,
        }
        command = re.match(r"^/\w+(@\w+)?", text)
        if command:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": command.end()}]
        return {"update_id": next(self._update_ids), "message": message}

    async def _process(self, data: dict[str, Any]) -> list[Sent]:
        self._outbox.clear()
        await self.app.process_update(Update.de_json(data, self.app.bot))
        sent = list(self._outbox)
        for item in sent:
            if item.buttons:
                self._last_keyboard = item
        return sent


def render(sent: list[Sent]) -> str:
    """What the terminal prints for the bot's messages."""
    blocks = []
    for item in sent:
        lines = [item.text] if item.text else []
        if item.file is not None:
            lines.append(f"[file: {item.file}]")
        if item.buttons:
            lines.append(
                "  ".join(f"#{i} [{label}]" for i, (label, _) in enumerate(item.buttons, 1))
            )
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
