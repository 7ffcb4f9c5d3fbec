"""Fresh, migrated databases for tests: SQLite files and a shared PostgreSQL database."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.migrate import upgrade_to_head
from adapters.sqlalchemy.tables import metadata


async def migrated_sqlite_template(folder: Path) -> Path:
    """Migrate one SQLite file; tests copy it instead of migrating again."""
    template = folder / "template.db"
    engine = build_engine(f"sqlite+aiosqlite:///{template}")
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    return template


def sqlite_copy(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def reset_postgres(url: str) -> None:
    """Drop everything in the public schema, then migrate from scratch."""
    engine = build_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def truncate_all(engine: AsyncEngine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
