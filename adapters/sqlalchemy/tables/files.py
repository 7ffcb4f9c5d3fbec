"""Uploaded files: one row per file; the bytes live in file storage under `storage_key`."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Uuid

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime
from domain.files import MAX_CONTENT_TYPE_LENGTH, MAX_FILENAME_LENGTH

files = Table(
    "files",
    metadata,
    Column("id", Uuid, primary_key=True),
    # An account's deletion takes its rows; its bytes go by the files' deletion hook.
    Column("owner_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("filename", String(MAX_FILENAME_LENGTH), nullable=False),
    Column("content_type", String(MAX_CONTENT_TYPE_LENGTH), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    # The orphan sweep asks which keys still have a row: unique, so indexed.
    Column("storage_key", String(200), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)
# An owner's files newest first, by keyset; the superuser's listing of all of them.
Index("ix_files_owner_id_created_at_id", files.c.owner_id, files.c.created_at, files.c.id)
Index("ix_files_created_at_id", files.c.created_at, files.c.id)
