"""Callback-data formats of inline buttons, and the exact patterns that accept them.

Anything that matches none of the patterns (old, forged or tampered data) is only acknowledged.
"""

from __future__ import annotations

LANGUAGE = "lang:{code}"
LANGUAGE_PATTERN = r"^lang:(id|en)$"

MENU = "menu:{action}"
MENU_ACTIONS = ("help", "privacy", "language", "consent")
MENU_PATTERN = r"^menu:(help|privacy|language|consent)$"


def menu(action: str) -> str:
    """Callback data of a main-menu button."""
    if action not in MENU_ACTIONS:
        raise ValueError(action)
    return MENU.format(action=action)


def language(code: str) -> str:
    """Callback data of a language button."""
    return LANGUAGE.format(code=code)


HANDOFF_SEND = "handoff:send"
HANDOFF_PATTERN = r"^handoff:send$"

KB_SHOW = "kb:show:{entry}"
KB_SHOW_PATTERN = r"^kb:show:([a-z0-9-]{1,50})$"
KB_RATE = "kb:rate:{entry}:{vote}"
KB_RATE_PATTERN = r"^kb:rate:([a-z0-9-]{1,50}):(up|down)$"

HR_ANSWER = "hr:answer:{number}"
HR_ANSWER_PATTERN = r"^hr:answer:(\d{1,9})$"
HR_DRAFT = "hr:draft:{number}"
HR_DRAFT_PATTERN = r"^hr:draft:(\d{1,9})$"

DELETE_CONFIRM = "delete:confirm"
DELETE_PATTERN = r"^delete:confirm$"
