"""Index migrations on a live PostgreSQL database: writes to `users` go on while they run.

The schema is taken back to 0002, `users` is filled, and the migrations up to head run while
a writer keeps inserting and updating users. Built CONCURRENTLY, the indexes of 0003 never
hold writers for the length of a build; the measured latencies are printed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.migrate import alembic_config, upgrade_to_head

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(600)]

ROWS = 200_000
# A plain CREATE INDEX holds writers for the whole build (measured: seconds at these rows).
WRITE_BOUND = 1.0


async def downgrade_to(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as conn:
        await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))
        await conn.commit()


async def fill_users(engine: AsyncEngine, rows: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO users (id, email, name, hashed_password, is_active, is_superuser,"
                " created_at, updated_at, password_changed_at)"
                " SELECT gen_random_uuid(), 'bulk' || n || '@example.com', md5(n::text),"
                " 'x', true, false, now(), now(), now() FROM generate_series(1, :rows) AS n"
            ),
            {"rows": rows},
        )


async def keep_writing(engine: AsyncEngine, stop: asyncio.Event, latencies: list[float]) -> None:
    """Sign-ups and renames, one at a time, each timed."""
    while not stop.is_set():
        now = datetime.now(UTC)
        user_id = uuid.uuid4()
        started = time.monotonic()
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, email, name, hashed_password, is_active,"
                    " is_superuser, created_at, updated_at, password_changed_at)"
                    " VALUES (:id, :email, 'New', 'x', true, false, :now, :now, :now)"
                ),
                {"id": user_id, "email": f"{user_id}@example.com", "now": now},
            )
            await conn.execute(
                text("UPDATE users SET name = 'Renamed' WHERE id = :id"), {"id": user_id}
            )
        latencies.append(time.monotonic() - started)
        await asyncio.sleep(0.01)


async def test_index_migrations_let_writes_to_users_go_on(postgres_url, capsys) -> None:
    engine = build_engine(postgres_url, statement_timeout=None)
    writer = build_engine(postgres_url)
    try:
        await downgrade_to(engine, "0002")
        await fill_users(engine, ROWS)
        latencies: list[float] = []
        stop = asyncio.Event()
        writing = asyncio.create_task(keep_writing(writer, stop, latencies))
        await asyncio.sleep(0.5)  # writes are flowing before the migration starts
        before = len(latencies)
        started = time.monotonic()
        await upgrade_to_head(engine)
        migration = time.monotonic() - started
        during = latencies[before:]
        stop.set()
        await writing
        async with engine.connect() as conn:
            invalid = (
                await conn.execute(text("SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
            ).scalar_one()
    finally:
        await writer.dispose()
        await engine.dispose()
    slowest = max(during, default=0.0)
    with capsys.disabled():
        ordered = sorted(during)
        median = ordered[len(ordered) // 2] if ordered else 0.0
        print(
            f"\n[migration] 0002 -> head on {ROWS} users took {migration:.2f} s;"
            f" {len(during)} writes meanwhile, median {median * 1000:.1f} ms,"
            f" slowest {slowest * 1000:.1f} ms"
        )
    assert invalid == 0
    assert len(during) >= 5, "the writer was starved during the migration"
    assert slowest < WRITE_BOUND
