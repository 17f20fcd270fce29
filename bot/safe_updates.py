"""Long polling that survives an update the library cannot parse.

python-telegram-bot parses a getUpdates batch as a whole: one update it cannot read (a type from
a newer or older Bot API server, say) fails the batch, the offset never moves and polling stops
for everyone. Here each update is checked on its own; one that cannot be read is replaced by a
bare ``{"update_id": n}``, which the bot skips, so the offset moves past it.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

# The update types the handlers serve; Telegram sends no others.
ALLOWED_UPDATES = ["message", "callback_query"]


class SafeUpdatesRequest(HTTPXRequest):
    """The getUpdates connection, with unreadable updates replaced by empty ones."""

    def __init__(self) -> None:
        super().__init__(connection_pool_size=1)

    async def do_request(self, url: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, *args, **kwargs)
        if url.endswith("/getUpdates") and status == HTTPStatus.OK:
            payload = sanitise_payload(payload)
        return status, payload


def sanitise_payload(payload: bytes) -> bytes:
    """A getUpdates response with its unreadable updates reduced to their ids."""
    try:
        body = json.loads(payload)
    except ValueError:
        return payload  # the library reports a broken response itself
    if isinstance(body, dict) and isinstance(body.get("result"), list):
        body["result"] = sanitise(body["result"])
        return json.dumps(body).encode()
    return payload


def sanitise(updates: list[Any]) -> list[Any]:
    """The batch with every update the library cannot parse reduced to its id."""
    clean = []
    for raw in updates:
        try:
            Update.de_json(raw, None)
        except Exception as exc:  # any parse failure: the content is never logged
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            log.warning("skipped update %s: cannot be parsed (%s)", update_id, type(exc).__name__)
            if not isinstance(update_id, int):
                continue
            raw = {"update_id": update_id}
        clean.append(raw)
    return clean
