"""Text that looks like a secret (a password, PIN or one-time code) is never stored or passed on.

The check wants a secret's name next to a value that holds a digit: "PIN saya 123456",
"password: Jambi2024!", "kode OTP 482913". A question about such things ("berapa digit PIN
SIASN?", "lupa password MySAPK") carries no such value and is answered as usual.
"""

from __future__ import annotations

import re

_NAMES = (
    r"pass(?:word|wd)?|kata\s*sandi|sandi|pwd|pw|pin|otp|kode\s*(?:otp|verifikasi|keamanan)"
    r"|verification\s*code|one[-\s]*time\s*code|token"
)
_SECRET = re.compile(
    rf"\b(?:{_NAMES})\b"  # the secret's name
    r"(?:\s+(?:saya|sy|ku|aku|my|nya|anda|is|adalah|yaitu|=))*"  # "PIN saya", "password is"
    r"\s*[:=]?\s*"
    r"(?=[^\s]*\d)[^\s,;]{4,64}",  # a value of 4 or more characters holding a digit
    re.IGNORECASE,
)


def looks_secret(text: str) -> bool:
    """True when the text seems to share a password, PIN or one-time code."""
    return bool(_SECRET.search(text))
