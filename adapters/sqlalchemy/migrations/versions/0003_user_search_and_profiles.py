"""User search index and profiles.

Profiles are columns of `users` (bio and the avatar's storage key, type and time). The
last-superuser check gets a partial index over the rows it locks. On PostgreSQL, trigram GIN
indexes on lower(email) and lower(name) keep the administrators' substring search fast on
millions of users.

`users` exists already, and may be large: on PostgreSQL its new indexes are built
CONCURRENTLY (see adapters/sqlalchemy/online_ddl.py), so sign-ups, logins and profile edits
go on while they are built. The new columns are nullable without a default, which
PostgreSQL adds without rewriting the table.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.online_ddl import create_index_concurrently, drop_index_concurrently
from adapters.sqlalchemy.types import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TRIGRAM_INDEXES = {"ix_users_email_trgm": "email", "ix_users_name_trgm": "name"}


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("bio", sa.String(2000), nullable=True))
        batch.add_column(sa.Column("avatar_key", sa.String(100), nullable=True))
        batch.add_column(sa.Column("avatar_content_type", sa.String(32), nullable=True))
        batch.add_column(sa.Column("avatar_updated_at", UtcDateTime(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        op.create_index(
            "ix_users_active_superusers",
            "users",
            ["id"],
            # Spelled as SQLAlchemy writes the query's condition, so SQLite sees the match.
            sqlite_where=sa.text("is_superuser = 1 AND is_active = 1"),
        )
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    create_index_concurrently(
        "ix_users_active_superusers", "ON users (id) WHERE is_superuser AND is_active"
    )
    for index, column in _TRIGRAM_INDEXES.items():
        create_index_concurrently(index, f"ON users USING gin (lower({column}) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for index in [*_TRIGRAM_INDEXES, "ix_users_active_superusers"]:
            drop_index_concurrently(index)
    else:
        op.drop_index("ix_users_active_superusers", table_name="users")
    # Never by copying the table: on SQLite, dropping the old `users` would cascade-delete
    # every login session. ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later.
    with op.batch_alter_table("users", recreate="never") as batch:
        batch.drop_column("avatar_updated_at")
        batch.drop_column("avatar_content_type")
        batch.drop_column("avatar_key")
        batch.drop_column("bio")
