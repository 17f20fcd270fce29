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
HR_MOVE = "hr:move:{number}"
HR_MOVE_PATTERN = r"\Ahr:move:([0-9]{1,9})\Z"
HR_MOVE_TO = "hr:to:{number}:{government}"
HR_MOVE_TO_PATTERN = r"\Ahr:to:([0-9]{1,9}):([A-Z]{2,20})\Z"
HR_CLOSE = "hr:close:{number}"
HR_CLOSE_PATTERN = r"\Ahr:close:([0-9]{1,9})\Z"
HR_CLOSE_WHY = "hr:why:{number}:{reason}"
HR_CLOSE_WHY_PATTERN = r"\Ahr:why:([0-9]{1,9}):(spam|duplicate|entry)\Z"
HR_DRAFT = "hr:draft:{number}"
HR_DRAFT_PATTERN = r"\Ahr:draft:([0-9]{1,9})\Z"

UNLINK_CONFIRM = "unlink:confirm"
UNLINK_PATTERN = r"\Aunlink:confirm\Z"
CANCEL = "cancel:confirm"
CANCEL_PATTERN = r"\Acancel:confirm\Z"

# Broadcasts: the recipient's acknowledgement, HR's wizard steps, details, re-send and stop.
BROADCAST_ACK = "bca:{broadcast}"
BROADCAST_ACK_PATTERN = r"\Abca:([0-9]{1,9})\Z"
BROADCAST_WIZARD = "bcw:{step}:{value}"
BROADCAST_WIZARD_PATTERN = r"\Abcw:(aud|gov|pos|coh|nr|ack|go):([a-z0-9_]{1,20}|[A-Z]{2,20})\Z"
BROADCAST_DETAIL = "bcd:{broadcast}"
BROADCAST_DETAIL_PATTERN = r"\Abcd:([0-9]{1,9})\Z"
BROADCAST_RESEND = "bcr:{broadcast}"
BROADCAST_RESEND_PATTERN = r"\Abcr:([0-9]{1,9})\Z"
BROADCAST_CANCEL = "bcx:{broadcast}"
BROADCAST_CANCEL_PATTERN = r"\Abcx:([0-9]{1,9})\Z"

# The /admin menu: a button per admin command (the command's own role check applies).
ADMIN_MENU = "adm:{name}"
ADMIN_MENU_PATTERN = r"\Aadm:([a-z_]{1,20})\Z"

ADMIN_PROFILE = "admin:profile:{number}"
ADMIN_PROFILE_PATTERN = r"\Aadmin:profile:([0-9]{1,9})\Z"

DELETE_CONFIRM = "delete:confirm"
DELETE_PATTERN = r"\Adelete:confirm\Z"

# Rotation readiness: the ids are checked against the presser before anything changes.
ROT_READY = "rdy:{rotation}:{status}"
ROT_READY_PATTERN = r"\Ardy:([0-9]{1,9}):(ready|support|not_ready)\Z"
ROT_BLOCK = "adk:{answer}:{index}:{value}"
ROT_BLOCK_PATTERN = r"\Aadk:([0-9]{1,9}):([0-4]):(yes|unsure|no|skip)\Z"
ROT_REASON = "rsn:{answer}:{reason}"
ROT_REASON_PATTERN = r"\Arsn:([0-9]{1,9}):(location|health|workload|competency|unclear|other)\Z"
ROT_NOTE_SKIP = "rnote:{answer}"
ROT_NOTE_SKIP_PATTERN = r"\Arnote:([0-9]{1,9})\Z"
ROT_MENTOR = "mtr:{answer}"
ROT_MENTOR_PATTERN = r"\Amtr:([0-9]{1,9})\Z"
ROT_TALK = "hrtalk:{answer}"
ROT_TALK_PATTERN = r"\Ahrtalk:([0-9]{1,9})\Z"
ROT_CHECKIN = "chk:{rotation}:{offset}:{value}"
ROT_CHECKIN_PATTERN = r"\Achk:([0-9]{1,9}):([0-9]{1,3}):(smooth|issue|help)\Z"
ROT_CANCEL = "rotx:{rotation}"
ROT_CANCEL_PATTERN = r"\Arotx:([0-9]{1,9})\Z"
MENTOR_ANSWER = "mnt:{pairing}:{value}"
MENTOR_ANSWER_PATTERN = r"\Amnt:([0-9]{1,9}):(yes|no)\Z"

# Who may press each kind of button: "user" (anyone: what the data names is checked against the
# presser by the service) or the lowest admin role that may (bot.access.LEVELS). Admin buttons
# get the role check when the handlers are registered, and a pattern missing here stops the
# bot from starting: no button is added without saying who may use it.
WHO: dict[str, str] = {
    LANGUAGE_PATTERN: "user",
    MENU_PATTERN: "user",
    HANDOFF_PATTERN: "user",
    KB_SHOW_PATTERN: "user",
    KB_RATE_PATTERN: "user",
    UNLINK_PATTERN: "user",
    CANCEL_PATTERN: "user",
    DELETE_PATTERN: "user",
    BROADCAST_ACK_PATTERN: "user",
    ROT_READY_PATTERN: "user",
    ROT_BLOCK_PATTERN: "user",
    ROT_REASON_PATTERN: "user",
    ROT_NOTE_SKIP_PATTERN: "user",
    ROT_MENTOR_PATTERN: "user",
    ROT_TALK_PATTERN: "user",
    ROT_CHECKIN_PATTERN: "user",
    MENTOR_ANSWER_PATTERN: "user",
    HR_ANSWER_PATTERN: "unit",
    HR_MOVE_PATTERN: "unit",
    HR_MOVE_TO_PATTERN: "unit",
    HR_CLOSE_PATTERN: "unit",
    HR_CLOSE_WHY_PATTERN: "unit",
    HR_DRAFT_PATTERN: "unit",
    ADMIN_MENU_PATTERN: "unit",
    ADMIN_PROFILE_PATTERN: "unit",
    BROADCAST_WIZARD_PATTERN: "unit",
    BROADCAST_DETAIL_PATTERN: "unit",
    BROADCAST_RESEND_PATTERN: "unit",
    BROADCAST_CANCEL_PATTERN: "unit",
    ROT_CANCEL_PATTERN: "gov",
}
