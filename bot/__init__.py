"""Asisten Karier ASN: application assembly and the services behind the chat."""

import sys

# httpx imports its command-line tool on import when click is there (it is: our CLI), and that
# loads pygments' lexer tables before finding rich missing: 2.4 MiB and 8 ms in every process
# on a machine with pygments. The bot never runs httpx's CLI; marking it absent skips it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
