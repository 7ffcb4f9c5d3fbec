"""Migration 0009 on SQLite and PostgreSQL: the items table with the indexes of its two
listings, and a clean way back."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head

LISTING_INDEXES = {
    "ix_items_owner_id_created_at_id": ["owner_id", "created_at", "id"],
    "ix_items_created_at_id": ["created_at", "id"],
}


def _indexes(sync) -> dict[str, list[str]] | None:
    inspector = inspect(sync)
    if "items" not in inspector.get_table_names():
        return None
    return {i["name"]: i["column_names"] for i in inspector.get_indexes("items")}


def _cascades(sync) -> list[str | None]:
    return [fk["options"].get("ondelete") for fk in inspect(sync).get_foreign_keys("items")]


async def test_items_come_with_their_listing_indexes_and_go_back(
    sql_database_url, engine_for
) -> None:
    engine = engine_for(sql_database_url)
    async with engine.connect() as conn:
        assert await conn.run_sync(_indexes) == LISTING_INDEXES
        assert await conn.run_sync(_cascades) == ["CASCADE"]
    try:
        async with engine.connect() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0008"))
            await conn.commit()
        async with engine.connect() as conn:
            assert await conn.run_sync(_indexes) is None
    finally:
        await upgrade_to_head(engine)
    async with engine.connect() as conn:
        assert await conn.run_sync(_indexes) == LISTING_INDEXES
