"""Posts, and the indexes of their listings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime

posts = Table(
    "posts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("title", String(255), nullable=False),
    Column("content", Text, nullable=False),
    Column("is_published", Boolean, nullable=False),
    Column("published_at", UtcDateTime, nullable=True),
    # An account's posts go with it.
    Column("author_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
_PUBLISHED: dict[str, Any] = {
    "postgresql_where": text("is_published"),
    "sqlite_where": text("is_published = 1"),
}
# The public list (published_at desc, id desc), one author's public list, an author's own
# list with drafts (created_at desc, id desc; also what the account deletion's cascade
# finds posts by), and the title search on PostgreSQL.
Index(
    "ix_posts_published",
    posts.c.published_at.desc(),
    posts.c.id.desc(),
    **_PUBLISHED,
)
Index(
    "ix_posts_author_published",
    posts.c.author_id,
    posts.c.published_at,
    posts.c.id,
    **_PUBLISHED,
)
Index("ix_posts_author_created", posts.c.author_id, posts.c.created_at, posts.c.id)
Index(
    "ix_posts_title_trgm",
    func.lower(posts.c.title).label("lower_title"),
    postgresql_using="gin",
    postgresql_ops={"lower_title": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

# How many posts are published, kept by the triggers of the posts migration (on every
# insert, update and delete of `posts`, cascades and bulk SQL included), so the public list's
# `total` is exact without counting every row.
post_counts = Table(
    "post_counts",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("published", BigInteger, nullable=False),
)
