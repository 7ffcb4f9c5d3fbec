"""E-mail queued with the change that causes it, sent afterwards."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, Uuid

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime

email_outbox = Table(
    "email_outbox",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    # Refused for good by the mail server: never tried again (migration 0006).
    Column("failed_at", UtcDateTime, nullable=True),
    Column("last_error", String(255), nullable=True),
)
# Only unsent messages are ever looked for, so sent ones stay out of the index.
Index(
    "ix_email_outbox_next_attempt_at",
    email_outbox.c.next_attempt_at,
    postgresql_where=email_outbox.c.sent_at.is_(None),
    sqlite_where=email_outbox.c.sent_at.is_(None),
)
# Pruning the history finds finished messages by when they finished (migration 0006).
for _finished in (email_outbox.c.sent_at, email_outbox.c.failed_at):
    Index(
        f"ix_email_outbox_{_finished.name}",
        _finished,
        postgresql_where=_finished.isnot(None),
        sqlite_where=_finished.isnot(None),
    )
