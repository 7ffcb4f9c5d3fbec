"""List settings as operators write them: `a,b` or a JSON list, and what an origin is."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name or IPv4 address (letters, digits, dots, hyphens), or a bracketed IPv6 address.
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]")


def parse_list(text: str) -> list[str]:
    """`["a", "b"]` (what pydantic-settings users write first) or `a, b`; blanks dropped.

    A value that starts with `[` is JSON and nothing else: a broken JSON list must not be
    taken, silently, as one odd item.
    """
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError:
            raise ValueError("looks like a JSON list but is not valid JSON") from None
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise ValueError("a JSON list here must hold strings only")
        return [item.strip() for item in items if item.strip()]
    return [item.strip() for item in stripped.split(",") if item.strip()]


def normalize_origin(origin: str) -> str:
    """`scheme://host[:port]` as a browser sends it in `Origin` (lower case, no default port,
    no trailing slash), or ValueError naming the value."""
    candidate = origin.strip().removesuffix("/")
    problem = f"{origin!r} is not an origin (scheme://host[:port])"
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError:
        raise ValueError(problem) from None
    host = (parts.hostname or "").lower()
    if (
        parts.scheme.lower() not in _DEFAULT_PORTS
        or not _HOST.fullmatch(f"[{host}]" if ":" in host else host)
        or parts.username is not None
        or parts.path
        or parts.query
        or parts.fragment
        or candidate.endswith((":", "?", "#"))
        or not candidate.isascii()
    ):
        raise ValueError(problem)
    scheme = parts.scheme.lower()
    shown_host = f"[{host}]" if ":" in host else host
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{shown_host}"
    return f"{scheme}://{shown_host}:{port}"
