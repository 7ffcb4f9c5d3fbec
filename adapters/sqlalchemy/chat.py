"""The chat history on the unit of work's connection (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Uuid, bindparam, delete, func, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.sqlalchemy.tables.chat import chat_messages
from adapters.sqlalchemy.tables.users import users
from adapters.sqlalchemy.types import UtcDateTime
from application.ports.chat import ChatMessageRepository
from domain.chat import Author, ChatMessage

_m = chat_messages.c
# The author's name is read with the message: members see who someone is now.
_WITH_AUTHOR = select(_m.id, _m.room, _m.user_id, users.c.name, _m.text, _m.sent_at).join(
    users, users.c.id == _m.user_id
)


def message_from_row(row: Mapping[Any, Any]) -> ChatMessage:
    return ChatMessage(
        id=row["id"],
        room=row["room"],
        user=Author(id=row["user_id"], name=row["name"]),
        text=row["text"],
        sent_at=row["sent_at"],
    )


class SqlAlchemyChatMessageRepository(ChatMessageRepository):
    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def add(self, message: ChatMessage) -> None:
        await self._conn.execute(
            insert(chat_messages).values(
                id=message.id,
                room=message.room,
                user_id=message.user.id,
                text=message.text,
                sent_at=message.sent_at,
            )
        )

    async def get(self, message_id: uuid.UUID) -> ChatMessage | None:
        result = await self._conn.execute(_WITH_AUTHOR.where(_m.id == message_id))
        row = result.mappings().first()
        return message_from_row(row) if row else None

    async def count(self, room: str) -> int:
        result = await self._conn.execute(
            select(func.count()).select_from(chat_messages).where(_m.room == room)
        )
        return int(result.scalar_one())

    async def list(
        self,
        room: str,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[ChatMessage]:
        query = _WITH_AUTHOR.where(_m.room == room)
        if after is not None:
            sent_at, message_id = after
            query = query.where(
                tuple_(_m.sent_at, _m.id)
                < tuple_(
                    bindparam("after_sent_at", sent_at, type_=UtcDateTime),
                    bindparam("after_id", message_id, type_=Uuid),
                )
            )
        query = query.order_by(_m.sent_at.desc(), _m.id.desc()).limit(limit).offset(offset)
        result = await self._conn.execute(query)
        return [message_from_row(row) for row in result.mappings()]

    async def delete_sent_before(self, cutoff: datetime) -> int:
        result = await self._conn.execute(delete(chat_messages).where(_m.sent_at < cutoff))
        return int(result.rowcount or 0)
