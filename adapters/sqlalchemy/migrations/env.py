"""Alembic environment. Runs on the connection handed over by `adapters.sqlalchemy.migrate`."""

from __future__ import annotations

from alembic import context

from adapters.sqlalchemy.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only `hexapi migrate` drives migrations
    raise RuntimeError("run migrations with `hexapi migrate`, which supplies the connection")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
