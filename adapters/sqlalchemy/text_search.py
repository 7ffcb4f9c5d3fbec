"""Case-insensitive substring search, the same way for every listing that has a `q`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, or_
from sqlalchemy.sql import ColumnElement


def escape_like(text: str) -> str:
    """`text` as a literal part of a LIKE pattern with `\\` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(q: str, *columns: ColumnElement[Any]) -> ColumnElement[bool]:
    """Rows where any of `columns` contains `q`, case-insensitively, `q` taken literally.

    lower(column) LIKE lower('%q%'): the expression the trigram (GIN) indexes on PostgreSQL
    are built on, with both sides lowered by the same database function. The pattern is
    written into the statement (safely quoted by SQLAlchemy), not bound: with a bound
    pattern PostgreSQL may reuse a generic plan that cannot see it, and then walks a whole
    trigram index for a two-letter search (2.8 s instead of 0.6 s on 10^6 users, measured
    with bench/user_search.py).
    """
    pattern = func.lower(literal(f"%{escape_like(q)}%", literal_execute=True))
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))
