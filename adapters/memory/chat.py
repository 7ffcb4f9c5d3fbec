"""The chat on process memory: the history repository, and the in-process Broadcaster (the
embedded default: every member of every room is in this one process)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports.chat import Broadcaster, ChatMessageRepository, RoomListener
from domain.chat import Author, ChatMessage, RoomEvent

CHAT_MESSAGES = MemoryTable("chat_messages", owner="user_id", on_account_deleted=DELETE_ROWS)


@dataclass(frozen=True, slots=True)
class _Row:
    id: uuid.UUID
    room: str
    user_id: uuid.UUID  # the cascade of an account's deletion looks for this field
    text: str
    sent_at: datetime


class InMemoryChatMessageRepository(ChatMessageRepository):
    def __init__(self, rows: dict[uuid.UUID, Any], users: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, _Row] = rows
        self._users = users

    async def add(self, message: ChatMessage) -> None:
        self._rows[message.id] = _Row(
            message.id, message.room, message.user.id, message.text, message.sent_at
        )

    async def get(self, message_id: uuid.UUID) -> ChatMessage | None:
        row = self._rows.get(message_id)
        return self._message(row) if row is not None else None

    async def count(self, room: str) -> int:
        return sum(1 for row in self._rows.values() if row.room == room)

    async def list(
        self,
        room: str,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[ChatMessage]:
        rows = sorted(
            (row for row in self._rows.values() if row.room == room),
            key=lambda row: (row.sent_at, row.id),
            reverse=True,
        )
        if after is not None:
            rows = [row for row in rows if (row.sent_at, row.id) < after]
        return [self._message(row) for row in rows[offset : offset + limit]]

    async def delete_sent_before(self, cutoff: datetime) -> int:
        old = [key for key, row in self._rows.items() if row.sent_at < cutoff]
        for key in old:
            del self._rows[key]
        return len(old)

    def _message(self, row: _Row) -> ChatMessage:
        user = self._users.get(row.user_id)
        author = Author(id=row.user_id, name=user.name if user is not None else "")
        return ChatMessage(
            id=row.id, room=row.room, user=author, text=row.text, sent_at=row.sent_at
        )


class InProcessBroadcaster(Broadcaster):
    """Delivers every event straight to this process's listener: one worker serves every
    room. Nothing is lost and nothing needs reconnecting."""

    def __init__(self) -> None:
        self._listener: RoomListener | None = None

    async def start(self, listener: RoomListener) -> None:
        self._listener = listener

    async def publish(self, event: RoomEvent) -> None:
        if self._listener is not None:
            self._listener(event)

    async def close(self) -> None:
        self._listener = None
