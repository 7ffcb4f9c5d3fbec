"""The SQL of user listings: filters that the search indexes can serve, and keyset paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Uuid, bindparam, func, literal, or_, tuple_
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.users import NewestFirstKey, UserFilter

NEWEST_FIRST = (users.c.created_at.desc(), users.c.id.desc())


def escape_like(text: str) -> str:
    """`text` as a literal part of a LIKE pattern with `\\` as the escape character."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def user_conditions(where: UserFilter) -> list[ColumnElement[Any]]:
    conditions: list[ColumnElement[Any]] = []
    if where.is_active is not None:
        conditions.append(users.c.is_active == where.is_active)
    if where.q:
        # lower(column) LIKE lower('%q%'): the same expression as the trigram indexes on
        # PostgreSQL (migration 0003), and both sides lowered by the same database function.
        # The pattern is written into the statement (safely quoted by SQLAlchemy), not bound:
        # with a bound pattern PostgreSQL may reuse a generic plan that cannot see it, and then
        # walks a whole trigram index for a two-letter search (2.8 s instead of 0.6 s on 10^6
        # users, measured with bench/user_search.py).
        pattern = func.lower(literal(f"%{escape_like(where.q)}%", literal_execute=True))
        conditions.append(
            or_(
                func.lower(users.c.email).like(pattern, escape="\\"),
                func.lower(users.c.name).like(pattern, escape="\\"),
            )
        )
    return conditions


def older_than(key: NewestFirstKey) -> ColumnElement[bool]:
    """Rows after `key` in the newest-first order: a row-value comparison that walks the
    (created_at, id) index from that point on."""
    created_at, user_id = key
    return tuple_(users.c.created_at, users.c.id) < tuple_(
        bindparam("after_created_at", created_at, type_=UtcDateTime),
        bindparam("after_id", user_id, type_=Uuid),
    )
