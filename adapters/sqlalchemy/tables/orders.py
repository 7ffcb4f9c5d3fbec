"""Orders, their lines, and the idempotency keys of placing them."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import MoneyType, UtcDateTime

orders = Table(
    "orders",
    metadata,
    Column("id", Uuid, primary_key=True),
    # Orders outlive the account that placed them (the sale stays on the books).
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("status", String(16), nullable=False),
    Column("total", MoneyType, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
Index("ix_orders_created_at_id", orders.c.created_at, orders.c.id)
Index("ix_orders_user_id_created_at_id", orders.c.user_id, orders.c.created_at, orders.c.id)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Uuid, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    # No cascade: a product that orders name is deactivated, never deleted.
    Column("product_id", Uuid, ForeignKey("products.id"), nullable=False, index=True),
    Column("product_name", String(200), nullable=False),
    Column("unit_price", MoneyType, nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("line_total", MoneyType, nullable=False),
)

# Idempotent requests, one row per user and key: the primary key decides which of several
# simultaneous requests does the work.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(255), primary_key=True),
    Column("fingerprint", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("claim_token", Uuid, nullable=True),
    Column("claimed_until", UtcDateTime, nullable=True),
    Column("response_status", Integer, nullable=True),
    Column("response_body", Text, nullable=True),
)
