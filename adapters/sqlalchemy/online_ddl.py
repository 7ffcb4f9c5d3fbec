"""Schema changes that keep a live PostgreSQL database writable, for migrations to use.

A plain CREATE INDEX on an existing table holds a lock that blocks every INSERT, UPDATE and
DELETE on it until the index is built: minutes on a large table. CREATE INDEX CONCURRENTLY
lets writes go on (it scans the table twice and waits for transactions that predate it),
but it cannot run inside a transaction, so it runs in Alembic's autocommit block: the
migration's transaction so far is committed first, and the build is not rolled back if a
later step fails (the next run finds it and goes on). A build that was interrupted leaves an
INVALID index behind, which is dropped and built again.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text


def create_index_concurrently(name: str, definition: str) -> None:
    """`CREATE INDEX CONCURRENTLY <name> <definition>` on PostgreSQL, e.g. definition
    `ON users USING gin (lower(email) gin_trgm_ops)`; a valid index of that name is kept."""
    with op.get_context().autocommit_block():
        bind = op.get_bind()
        invalid = bind.execute(
            text(
                "SELECT NOT i.indisvalid FROM pg_index AS i WHERE i.indexrelid = to_regclass(:name)"
            ),
            {"name": name},
        ).scalar()
        if invalid:
            op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        op.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def drop_index_concurrently(name: str) -> None:
    with op.get_context().autocommit_block():
        op.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
