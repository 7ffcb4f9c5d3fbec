"""Bringing a database to the latest schema with Alembic, from inside the installed package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.availability import raise_if_unavailable

MIGRATIONS = Path(__file__).parent / "migrations"
# Any constant will do: it only has to be the same for every hexapi process.
_MIGRATION_LOCK_KEY = 0x6865786170690001


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """`alembic upgrade head`. On PostgreSQL an advisory lock keeps several hosts starting at
    once from racing; SQLite's own write lock does the same there. A database that cannot be
    reached raises BackendUnavailable."""
    try:
        await _upgrade_under_lock(engine)
    except Exception as exc:
        raise_if_unavailable(exc)
        raise


async def _upgrade_under_lock(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            await conn.commit()
        try:
            await conn.run_sync(_upgrade)
            await conn.commit()
        finally:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK_KEY}
                )
                await conn.commit()


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
