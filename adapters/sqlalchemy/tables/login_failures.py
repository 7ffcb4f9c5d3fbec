"""Failed logins (and logins in progress), one row each, counted per key over a sliding
window by application.auth.throttle (through adapters.sqlalchemy.login_failures). The key is
a SHA-256 of the normalised e-mail: fixed length whatever a client sends, and no plain
addresses of strangers kept."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Uuid

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key_hash", String(64), nullable=False),
    Column("failed_at", UtcDateTime, nullable=False),
)
Index("ix_login_failures_key_hash_failed_at", login_failures.c.key_hash, login_failures.c.failed_at)
Index("ix_login_failures_failed_at", login_failures.c.failed_at)
