"""The server's secret key: keyed hashes of linking codes and of NIPs in the attempt limits.

From ASNBOT_SECRET_KEY when set (several processes sharing a database need the same key), else
from a file next to the database, made once with 32 random bytes and readable by its owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.config import Config


def server_key(config: Config) -> bytes:
    """The key bytes; the key file is created on first use."""
    if config.secret_key:
        return config.secret_key.encode()
    return _from_file(config.secret_file)


def _from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)  # atomic: a process racing us keeps the first key
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def keyed_hash(key: bytes, *parts: str) -> str:
    """HMAC-SHA256 of the parts joined by ':', as 64 hex digits."""
    return hmac.new(key, ":".join(parts).encode(), hashlib.sha256).hexdigest()
