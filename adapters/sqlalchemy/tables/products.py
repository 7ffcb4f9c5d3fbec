"""The catalogue, and its kept count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    String,
    Table,
    Uuid,
    func,
    text,
)

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import MoneyType, UtcDateTime

products = Table(
    "products",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("description", String(5000), nullable=True),
    Column("price", MoneyType, nullable=False),
    # The last line of defence against overselling: no statement can leave stock negative.
    Column(
        "stock", Integer, CheckConstraint("stock >= 0", name="stock_not_negative"), nullable=False
    ),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    CheckConstraint("price > 0", name="price_positive"),
)
_ON_SALE: dict[str, Any] = {
    "postgresql_where": text("is_active"),
    "sqlite_where": text("is_active = 1"),
}
# One index per public sort, over the products on sale only; `include_inactive` (superusers)
# walks the newest-first index of all products.
Index("ix_products_on_sale_newest", products.c.created_at, products.c.id, **_ON_SALE)
Index("ix_products_on_sale_price", products.c.price, products.c.id, **_ON_SALE)
Index("ix_products_on_sale_name", products.c.name, products.c.id, **_ON_SALE)
Index("ix_products_created_at_id", products.c.created_at, products.c.id)
Index(
    "ix_products_name_trgm",
    func.lower(products.c.name).label("lower_name"),
    postgresql_using="gin",
    postgresql_ops={"lower_name": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")

# How many products there are, kept by the transactions that add, delete, activate or
# deactivate one: an exact `total` for the unfiltered listing without counting 10^6 rows.
product_counts = Table(
    "product_counts",
    metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("on_sale", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
)
