"""The SQL of user listings: filters that the search indexes can serve, and keyset paging."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Uuid, bindparam, tuple_
from sqlalchemy.sql import ColumnElement

from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.text_search import contains_text
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.users import NewestFirstKey, UserFilter

NEWEST_FIRST = (users.c.created_at.desc(), users.c.id.desc())


def user_conditions(where: UserFilter) -> list[ColumnElement[Any]]:
    conditions: list[ColumnElement[Any]] = []
    if where.is_active is not None:
        conditions.append(users.c.is_active == where.is_active)
    if where.q:  # served by the trigram indexes of migration 0003 on PostgreSQL
        conditions.append(contains_text(where.q, users.c.email, users.c.name))
    return conditions


def older_than(key: NewestFirstKey) -> ColumnElement[bool]:
    """Rows after `key` in the newest-first order: a row-value comparison that walks the
    (created_at, id) index from that point on."""
    created_at, user_id = key
    return tuple_(users.c.created_at, users.c.id) < tuple_(
        bindparam("after_created_at", created_at, type_=UtcDateTime),
        bindparam("after_id", user_id, type_=Uuid),
    )
