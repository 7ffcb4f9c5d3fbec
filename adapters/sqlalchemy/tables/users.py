"""Accounts."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, Table, Uuid, and_, func

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("hashed_password", String(255), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("is_superuser", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("password_changed_at", UtcDateTime, nullable=False),
    Column("bio", String(2000), nullable=True),
    Column("avatar_key", String(100), nullable=True),
    Column("avatar_content_type", String(32), nullable=True),
    Column("avatar_updated_at", UtcDateTime, nullable=True),
)

Index("ix_users_created_at_id", users.c.created_at, users.c.id)
# The last-superuser check locks exactly these rows; a partial index finds them at once.
Index(
    "ix_users_active_superusers",
    users.c.id,
    postgresql_where=and_(users.c.is_superuser, users.c.is_active),
    sqlite_where=and_(users.c.is_superuser == 1, users.c.is_active == 1),
)
# Substring search (`q`) on PostgreSQL: trigram GIN indexes serve lower(col) LIKE '%q%'.
Index(
    "ix_users_email_trgm",
    func.lower(users.c.email).label("lower_email"),
    postgresql_using="gin",
    postgresql_ops={"lower_email": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
Index(
    "ix_users_name_trgm",
    func.lower(users.c.name).label("lower_name"),
    postgresql_using="gin",
    postgresql_ops={"lower_name": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
