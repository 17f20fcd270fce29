r"""Callback-data formats of inline buttons, and the exact patterns that accept them.

Anything that matches none of the patterns (old, forged or tampered data) is only acknowledged.
Patterns are anchored with \A and \Z (``$`` would also accept a trailing newline) and accept
ASCII digits only.
"""

from __future__ import annotations

LANGUAGE = "lang:{code}"
LANGUAGE_PATTERN = r"\Alang:(id|en)\Z"

MENU = "menu:{action}"
MENU_ACTIONS = ("help", "privacy", "language", "consent")
MENU_PATTERN = r"\Amenu:(help|privacy|language|consent)\Z"


def menu(action: str) -> str:
    """Callback data of a main-menu button."""
    if action not in MENU_ACTIONS:
        raise ValueError(action)
    return MENU.format(action=action)


def language(code: str) -> str:
    """Callback data of a language button."""
    return LANGUAGE.format(code=code)


HANDOFF_SEND = "handoff:send"
HANDOFF_PATTERN = r"\Ahandoff:send\Z"

KB_SHOW = "kb:show:{entry}"
KB_SHOW_PATTERN = r"\Akb:show:([a-z0-9-]{1,50})\Z"
KB_RATE = "kb:rate:{entry}:{vote}"
KB_RATE_PATTERN = r"\Akb:rate:([a-z0-9-]{1,50}):(up|down)\Z"

HR_ANSWER = "hr:answer:{number}"
HR_ANSWER_PATTERN = r"\Ahr:answer:([0-9]{1,9})\Z"
HR_DRAFT = "hr:draft:{number}"
HR_DRAFT_PATTERN = r"\Ahr:draft:([0-9]{1,9})\Z"

UNLINK_CONFIRM = "unlink:confirm"
UNLINK_PATTERN = r"\Aunlink:confirm\Z"
CANCEL = "cancel:confirm"
CANCEL_PATTERN = r"\Acancel:confirm\Z"

ADMIN_PROFILE = "admin:profile:{number}"
ADMIN_PROFILE_PATTERN = r"\Aadmin:profile:([0-9]{1,9})\Z"

DELETE_CONFIRM = "delete:confirm"
DELETE_PATTERN = r"\Adelete:confirm\Z"
