"""Posts, and the indexes of their listings.

The public list walks a partial index over the published posts in its order
(published_at desc, id desc); one author's public list and an author's own list with drafts
have theirs, and on PostgreSQL a trigram GIN index on lower(title) serves the title search,
as the user search's do. The PostgreSQL indexes are built CONCURRENTLY (see
adapters/sqlalchemy/online_ddl.py), so a re-run after an interrupted build, with rows
already written, does not hold writers off.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.online_ddl import create_index_concurrently, drop_index_concurrently
from adapters.sqlalchemy.types import UtcDateTime

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

_POSTGRES_INDEXES = {
    "ix_posts_published": "ON posts (published_at DESC, id DESC) WHERE is_published",
    "ix_posts_author_published": "ON posts (author_id, published_at, id) WHERE is_published",
    "ix_posts_author_created": "ON posts (author_id, created_at, id)",
    "ix_posts_title_trgm": "ON posts USING gin (lower(title) gin_trgm_ops)",
}


def upgrade() -> None:
    op.create_table(
        "posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("is_published", sa.Boolean(), nullable=False),
        sa.Column("published_at", UtcDateTime(), nullable=True),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_posts_author_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_posts"),
    )
    if op.get_bind().dialect.name != "postgresql":
        published: dict[str, Any] = {"sqlite_where": sa.text("is_published = 1")}
        op.create_index("ix_posts_published", "posts", ["published_at", "id"], **published)
        op.create_index(
            "ix_posts_author_published", "posts", ["author_id", "published_at", "id"], **published
        )
        op.create_index("ix_posts_author_created", "posts", ["author_id", "created_at", "id"])
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in _POSTGRES_INDEXES.items():
        create_index_concurrently(name, definition)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _POSTGRES_INDEXES:
            drop_index_concurrently(name)
    op.drop_table("posts")
