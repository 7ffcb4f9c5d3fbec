"""E-mail refused for good, and a bounded history.

`failed_at` marks a message the mail server refused permanently (never tried again); the
delivery worker prunes messages sent or failed longer ago than EMAIL_RETENTION_DAYS, found
through one partial index per kind of ending. `email_outbox` exists already and may be
large: the column is nullable without a default (no table rewrite), and on PostgreSQL the
indexes are built CONCURRENTLY (see adapters/sqlalchemy/online_ddl.py).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from adapters.sqlalchemy.online_ddl import create_index_concurrently, drop_index_concurrently
from adapters.sqlalchemy.types import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FINISHED = ("sent_at", "failed_at")


def upgrade() -> None:
    with op.batch_alter_table("email_outbox") as batch:
        batch.add_column(sa.Column("failed_at", UtcDateTime(), nullable=True))
    for column in _FINISHED:
        name = f"ix_email_outbox_{column}"
        if op.get_bind().dialect.name == "postgresql":
            create_index_concurrently(
                name, f"ON email_outbox ({column}) WHERE {column} IS NOT NULL"
            )
        else:
            op.create_index(
                name, "email_outbox", [column], sqlite_where=sa.text(f"{column} IS NOT NULL")
            )


def downgrade() -> None:
    for column in _FINISHED:
        name = f"ix_email_outbox_{column}"
        if op.get_bind().dialect.name == "postgresql":
            drop_index_concurrently(name)
        else:
            op.drop_index(name, table_name="email_outbox")
    with op.batch_alter_table("email_outbox", recreate="never") as batch:
        batch.drop_column("failed_at")
