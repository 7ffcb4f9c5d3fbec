"""Case-insensitive substring search, the same on every backend."""

from __future__ import annotations


def lower_text(text: str) -> str:
    """Lower case character by character, as PostgreSQL's lower() does under a UTF-8 locale:
    every script (`ÉMILE` is `émile`), but no final-sigma rule, and a letter whose lower
    case is two characters (`İ`, `i` and a combining dot) becomes the first of them, so an
    in-memory search, SQLite and PostgreSQL all find the same rows."""
    return "".join(char.lower()[:1] for char in text)


def contains_text(haystack: str, needle: str) -> bool:
    """`needle` occurs in `haystack`, case-insensitively (see lower_text)."""
    return lower_text(needle) in lower_text(haystack)
