"""Items: what users own, gone with the account that owns them.

A new table, but its indexes are built CONCURRENTLY on PostgreSQL all the same (see
adapters/sqlalchemy/online_ddl.py), so that the migration never holds a lock that a live
service could wait on, whatever has been written by the time it runs. They serve the two
listings: an owner's items, newest first, and everyone's (for superusers).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.online_ddl import create_index_concurrently, drop_index_concurrently
from adapters.sqlalchemy.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_items_owner_id_created_at_id": ["owner_id", "created_at", "id"],
    "ix_items_created_at_id": ["created_at", "id"],
}


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_items_owner_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, columns in _INDEXES.items():
        if postgres:
            create_index_concurrently(name, f"ON items ({', '.join(columns)})")
        else:
            op.create_index(name, "items", columns)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in _INDEXES:
        if postgres:
            drop_index_concurrently(name)
        else:
            op.drop_index(name, table_name="items")
    op.drop_table("items")
