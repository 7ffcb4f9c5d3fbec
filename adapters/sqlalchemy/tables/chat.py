"""The chat history: one row per message sent to a room."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, String, Table, Uuid

from adapters.sqlalchemy.tables.metadata import metadata
from adapters.sqlalchemy.types import UtcDateTime
from domain.chat import MAX_ROOM_LENGTH, MAX_TEXT_LENGTH

chat_messages = Table(
    "chat_messages",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("room", String(MAX_ROOM_LENGTH), nullable=False),
    # An account's deletion takes its messages with it.
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("text", String(MAX_TEXT_LENGTH), nullable=False),
    Column("sent_at", UtcDateTime, nullable=False),
)
# A room's history newest first, by keyset; and the pruning of old messages.
Index(
    "ix_chat_messages_room_sent_at_id",
    chat_messages.c.room,
    chat_messages.c.sent_at,
    chat_messages.c.id,
)
Index("ix_chat_messages_sent_at", chat_messages.c.sent_at)
