"""What the bot says, independent of Telegram: text (Telegram HTML) and inline buttons."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass


class Html(str):
    """Text that is already Telegram HTML: the translator inserts it as it is.

    Every other string put into a message is escaped, so a "<" in a name cannot break a reply.
    """


def escape(value: object) -> Html:
    """A value as Telegram HTML: Html passes through, anything else is escaped."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(str(value), quote=False))


def join(separator: str, parts: list[Html] | tuple[Html, ...]) -> Html:
    """Html pieces joined by a plain separator (escaped)."""
    return Html(escape(separator).join(escape(p) for p in parts))


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    media: tuple[str, str] | None = None  # ("photo" or "document", Telegram file_id)


# Telegram's limit for a message's text after entity parsing; captions are shorter.
MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def html_to_text(value: str) -> str:
    """Telegram HTML as a terminal shows it: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", value))


def visible_length(text: str) -> int:
    """How long Telegram counts an HTML text: tags dropped, entities as one character, in
    UTF-16 code units (an emoji outside the basic plane counts twice)."""
    return len(html_to_text(text).encode("utf-16-le")) // 2


def split_reply(reply: Reply, limit: int = MESSAGE_LIMIT) -> list[Reply]:
    """The reply as one or more messages that each fit; the buttons go under the last.

    Splits between lines; a single line that is too long on its own is sent as plain text in
    pieces (its formatting is dropped rather than the message).
    """
    if visible_length(reply.text) <= limit:
        return [reply]
    chunks: list[str] = []
    current = ""
    for line in reply.text.split("\n"):
        pieces = [line] if visible_length(line) <= limit else _plain_pieces(line, limit)
        for piece in pieces:
            candidate = f"{current}\n{piece}" if current else piece
            if current and visible_length(candidate) > limit:
                chunks.append(current)
                candidate = piece
            current = candidate
    chunks.append(current)
    texts = [_balanced(chunk) for chunk in chunks if chunk.strip()]
    return [Reply(text) for text in texts[:-1]] + [Reply(texts[-1], reply.buttons)]


def _plain_pieces(line: str, limit: int) -> list[str]:
    plain = html_to_text(line)
    size = limit - 16  # room for escaping to stay under the limit once re-counted
    return [escape(plain[i : i + size]) for i in range(0, len(plain), size)]


def _balanced(text: str) -> str:
    """Close tags left open and drop closing tags whose opening went to another message."""
    open_tags: list[str] = []
    out: list[str] = []
    position = 0
    for match in _TAG.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing:
            open_tags.append(name)
            out.append(match.group(0))
        elif name in open_tags:
            while open_tags:
                last = open_tags.pop()
                out.append(f"</{last}>")
                if last == name:
                    break
    out.append(text[position:])
    out.extend(f"</{name}>" for name in reversed(open_tags))
    return "".join(out)


_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
