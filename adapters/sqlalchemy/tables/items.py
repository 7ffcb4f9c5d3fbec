"""Items: what users own."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Uuid

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime
from domain.items import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH

items = Table(
    "items",
    metadata,
    Column("id", Uuid, primary_key=True),
    # Items go with the account that owns them.
    Column("owner_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("title", String(MAX_TITLE_LENGTH), nullable=False),
    Column("description", String(MAX_DESCRIPTION_LENGTH), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
# The owner's listing (and the account deletion's cascade) walks the first; a superuser's
# listing of everyone's items the second. Both in the listing's order, so a page is an index
# range scan, by page or by cursor.
Index("ix_items_owner_id_created_at_id", items.c.owner_id, items.c.created_at, items.c.id)
Index("ix_items_created_at_id", items.c.created_at, items.c.id)
