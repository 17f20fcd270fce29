"""A small fake of the Telegram Bot API over HTTP on loopback, for dialog tests.

It speaks the Bot API's JSON: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code",
"description"}``; form, JSON and multipart requests; long-polling getUpdates with offsets; webhooks
delivered with the secret-token header. Tests act as users through ``send_text`` and ``press`` and
read what the bot did from ``calls``.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
from tornado.httpserver import HTTPServer
from tornado.httputil import HTTPServerRequest
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

BOT_ID = 7000001
JSON_FIELDS = {
    "reply_markup", "commands", "scope", "allowed_updates", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "media",
}  # fmt: skip
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
    "pre", "blockquote", "tg-emoji",
}  # fmt: skip
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class FakeBotApi:
    """One fake Bot API server holding one bot's state."""

    def __init__(self, token: str = "7000001:TEST-token_abcdefghijklmnopqrstu") -> None:
        self.token = token
        self.calls: list[Call] = []
        # The same calls by (method, chat): many users waiting at once stay cheap to answer.
        self._by_chat: dict[tuple[str, int | None], list[Call]] = {}
        self.blocked: set[int] = set()
        self.unreachable: set[int] = set()  # chats whose messages meet a 502 (a passing outage)
        self.down = False  # every method answers 502, as Telegram in an outage
        self.failing_sends = 0  # so many next sendMessage calls answer 502
        self.refused_while_down = 0
        self.refused_chats: collections.Counter[int] = collections.Counter()  # while down
        self._limits: tuple[int, float] | None = None  # see enforce_limits
        self._recent: collections.deque[float] = collections.deque()
        self._last_to: dict[int, float] = {}
        self.too_many = 0  # 429s answered
        self.files: dict[str, bytes] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._server: HTTPServer | None = None
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._delivering: set[int] = set()
        self.port = 0

    # -- server lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        sockets = bind_sockets(0, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        app = Application([
            (r"/file/bot([^/]+)/documents/(\w+)", _FileHandler, {"api": self}),
            (r"/(file/)?bot([^/]+)/([A-Za-z]+)", _Handler, {"api": self}),
        ])  # fmt: skip
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()  # wake pending long polls so they answer before the server closes
        await asyncio.sleep(0.05)
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL is set to in tests."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- acting as users --------------------------------------------------------------------
    def user(self, user_id: int, language: str = "id") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"U{user_id}",
            "language_code": language,
        }

    async def send_text(self, user_id: int, text: str, language: str = "id") -> int:
        """The user types ``text`` in their private chat with the bot; returns the update id."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": f"U{user_id}"},
            "from": self.user(user_id, language),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self.push_update({"message": message})

    async def press(self, user_id: int, message: dict[str, Any], data: str) -> int:
        """The user presses an inline button (any callback data) under ``message``."""
        query = {
            "id": str(next(self._message_ids)),
            "from": self.user(user_id),
            "chat_instance": f"ci{user_id}",
            "message": message,
            "data": data,
        }
        return await self.push_update({"callback_query": query})

    async def send_document(
        self, user_id: int, content: bytes, filename: str, caption: str = ""
    ) -> int:
        """The user sends a file; the bot can fetch it with getFile like from Telegram."""
        file_id = f"doc{len(self.files) + 1}"
        self.files[file_id] = content
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": {"id": user_id, "type": "private"}, "from": self.user(user_id),
            "document": {"file_id": file_id, "file_unique_id": f"u{file_id}",
                         "file_name": filename, "file_size": len(content)},
        }  # fmt: skip
        if caption:
            message["caption"] = caption
        return await self.push_update({"message": message})

    async def push_update(self, body: dict[str, Any]) -> int:
        update = {"update_id": next(self._update_ids), **body}
        self._updates.append(update)
        self._new_update.set()
        if self.webhook_url:
            await self._deliver(update)
        return int(update["update_id"])

    async def _deliver(self, update: dict[str, Any]) -> None:
        if update["update_id"] in self._delivering:
            return
        self._delivering.add(update["update_id"])
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
        )
        async with httpx.AsyncClient() as client:
            for _ in range(50):  # Telegram retries failed deliveries; so do we, briefly
                try:
                    response = await client.post(self.webhook_url, json=update, headers=headers)
                    if response.status_code == 200:
                        self._updates.remove(update)
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        self._delivering.discard(update["update_id"])

    # -- reading what the bot did -----------------------------------------------------------
    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[Call]:
        """Calls of ``method`` (to ``chat_id``), oldest first."""
        if chat_id is None:
            return [c for c in self.calls if c.method.lower() == method.lower()]
        return list(self._by_chat.get((method.lower(), chat_id), ()))

    def texts(self, chat_id: int) -> list[str]:
        return [str(c.params.get("text", "")) for c in self.sent(chat_id)]

    async def wait_for(
        self, method: str, chat_id: int | None = None, count: int = 1, within: float = 10
    ) -> list[Call]:
        """Wait until the bot has made ``count`` calls of ``method`` (to ``chat_id``)."""
        deadline = time.monotonic() + within
        while len(found := self.sent(chat_id, method)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{method} x{count} to {chat_id}: got {len(found)}")
            self._new_call.clear()
            try:
                await asyncio.wait_for(self._new_call.wait(), remaining)
            except TimeoutError:
                continue
        return found

    @staticmethod
    def buttons(call: Call) -> list[tuple[str, str]]:
        markup = call.params.get("reply_markup") or {}
        return [
            (b["text"], b["callback_data"])
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    # -- the API ----------------------------------------------------------------------------
    async def handle(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        failing = self.failing_sends > 0 and method.lower() == "sendmessage"
        if self.down or failing:
            self.failing_sends -= int(failing)
            self.refused_while_down += 1
            if str(params.get("chat_id", "")).lstrip("-").isdigit():
                self.refused_chats[int(params["chat_id"])] += 1
            raise ApiError(502, "Bad Gateway")
        if method.lower() != "getupdates":
            call = Call(method, params, files)
            self.calls.append(call)
            chat = params.get("chat_id")
            key = (
                method.lower(),
                int(chat)
                if isinstance(chat, int | str) and str(chat).lstrip("-").isdigit()
                else None,
            )
            self._by_chat.setdefault(key, []).append(call)
            self._new_call.set()
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        return await handler(params)

    async def api_getme(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Test Bot", "username": "test_bot",
                "can_join_groups": False, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    async def api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        if self._closing:
            return []
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), float(params.get("timeout") or 0))
            except TimeoutError:
                return []
        if self.down:  # the outage began during the long poll
            self.refused_while_down += 1
            raise ApiError(502, "Bad Gateway")
        limit = int(params.get("limit") or 100)
        return [u for u in self._updates if u["update_id"] >= offset][:limit]

    async def api_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params["url"])
        self.webhook_secret = str(params.get("secret_token") or "")
        # Like Telegram, updates that waited for a webhook are delivered once one is set.
        self._tasks.add(asyncio.get_running_loop().create_task(self._deliver_waiting()))
        return True

    async def _deliver_waiting(self) -> None:
        for update in list(self._updates):
            await self._deliver(update)

    async def api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def api_getwebhookinfo(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}  # fmt: skip

    async def api_setmycommands(self, params: dict[str, Any]) -> bool:
        key = (
            json.dumps(params.get("scope") or {"type": "default"}),
            params.get("language_code", ""),
        )
        self.commands[key] = list(params["commands"])
        return True

    async def api_deletemycommands(self, params: dict[str, Any]) -> bool:
        key = (
            json.dumps(params.get("scope") or {"type": "default"}),
            params.get("language_code", ""),
        )
        self.commands.pop(key, None)
        return True

    async def api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params.get("text") or "")
        visible = _parsed_text(text) if params.get("parse_mode") == "HTML" else text
        if not visible.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(visible.encode("utf-16-le")) // 2 > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return self._message(params, text=text)

    async def api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, text=str(params.get("text") or ""))

    async def api_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        photo = [{"file_id": "ph1", "file_unique_id": "u1", "width": 800, "height": 800}]
        return self._message(params, photo=photo, caption=params.get("caption"))

    async def api_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        document = {"file_id": "doc1", "file_unique_id": "u2", "file_name": "file"}
        return self._message(params, document=document, caption=params.get("caption"))

    async def api_getfile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params["file_id"])
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = len(self.files[file_id])
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": size,
                "file_path": f"documents/{file_id}"}  # fmt: skip

    async def api_answercallbackquery(self, _: dict[str, Any]) -> bool:
        return True

    async def api_sendchataction(self, _: dict[str, Any]) -> bool:
        return True

    def enforce_limits(self, overall: int = 30, per_chat_seconds: float = 1.0) -> None:
        """Answer like Telegram under flood: 429 with retry_after above ``overall`` messages a
        second, or a second message to one chat within ``per_chat_seconds``."""
        self._limits = (overall, per_chat_seconds)

    def _limit(self, chat_id: int) -> None:
        if self._limits is None:
            return
        overall, per_chat = self._limits
        now = time.monotonic()
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        last = self._last_to.get(chat_id)
        if len(self._recent) >= overall or (last is not None and now - last < per_chat):
            self.too_many += 1
            raise ApiError(429, "Too Many Requests: retry after 1", retry_after=1)
        self._recent.append(now)
        self._last_to[chat_id] = now

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        self._limit(chat_id)
        if chat_id in self.unreachable:
            raise ApiError(502, "Bad Gateway")
        message = {
            "message_id": int(params.get("message_id") or next(self._message_ids)),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Test Bot"},
            **{k: v for k, v in content.items() if v is not None},
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message


class _TelegramHtml(HTMLParser):
    """Telegram's HTML parse mode: the tags it knows, properly nested, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise ApiError(400, f"Bad Request: can't parse entities: unsupported start tag {tag}")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise ApiError(400, f"Bad Request: can't parse entities: unmatched end tag {tag}")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed_text(text: str) -> str:
    """The visible text of an HTML message, or the 400 Telegram answers for broken markup."""
    if re.search(r"<(?![a-zA-Z/])|&(?!(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);)", text):
        raise ApiError(400, "Bad Request: can't parse entities: unescaped < or &")
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.open:
        raise ApiError(400, "Bad Request: can't parse entities: unclosed start tag")
    return "".join(parser.text)


def _decode(name: str, value: str) -> Any:
    if name in JSON_FIELDS:
        return json.loads(value)
    if name in INT_FIELDS:
        return int(value)
    if value in ("true", "false"):
        return value == "true"
    return value


def _params(request: HTTPServerRequest) -> tuple[dict[str, Any], dict[str, bytes]]:
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("application/json") and request.body:
        return dict(json.loads(request.body)), {}
    params = {k: _decode(k, v[-1].decode()) for k, v in request.body_arguments.items()}
    params.update({k: _decode(k, v[-1].decode()) for k, v in request.query_arguments.items()})
    files = {k: v[0]["body"] for k, v in request.files.items()}
    return params, files


class _Handler(RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def _serve(self, _file: str | None, token: str, method: str) -> None:
        if token != self.api.token:
            self.set_status(401)
            self.finish({"ok": False, "error_code": 401, "description": "Unauthorized"})
            return
        params, files = _params(self.request)
        try:
            result = await self.api.handle(method, params, files)
            self.finish({"ok": True, "result": result})
        except ApiError as exc:
            self.set_status(exc.code)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            self.finish(body)

    async def post(self, file: str | None, token: str, method: str) -> None:
        await self._serve(file, token, method)

    async def get(self, file: str | None, token: str, method: str) -> None:
        await self._serve(file, token, method)


class _FileHandler(RequestHandler):
    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def get(self, token: str, file_id: str) -> None:
        if token != self.api.token or file_id not in self.api.files:
            self.set_status(404)
            self.finish()
            return
        self.finish(self.api.files[file_id])
