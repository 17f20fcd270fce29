"""Asisten Karier ASN: application assembly and the services behind the chat."""

import importlib.util
import sys

# Imports the HTTP libraries would make for nothing, recorded as absent before they load.
# httpcore imports ``sniffio`` on every request to learn the async library; when it is not
# installed (anyio 4 no longer needs it), each failed import walks sys.path: about 0.3 ms of
# CPU per Bot API call. Recorded as absent, the failure is immediate and httpcore assumes
# asyncio, which is what we run.
if importlib.util.find_spec("sniffio") is None:
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]
# httpx imports its command-line client on import when click is there (it is: our CLI), and
# that loads pygments' lexer tables (installed beside the test tools) before finding rich
# missing: 2.4 MiB and 8 ms. The bot never runs httpx's CLI, in any mode.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
