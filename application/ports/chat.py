"""Ports of the chat: where messages are kept, and how room events reach every process."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from domain.chat import ChatMessage, RoomEvent

# Called, in order, for every event published by any process; must not block.
RoomListener = Callable[[RoomEvent], None]


class ChatMessageRepository(Protocol):
    """The history of every room. A message's author is read with it (`user.name` is the
    author's current name); deleting the author deletes their messages."""

    async def add(self, message: ChatMessage) -> None: ...

    async def get(self, message_id: uuid.UUID) -> ChatMessage | None: ...

    async def count(self, room: str) -> int: ...

    async def list(
        self,
        room: str,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, uuid.UUID] | None = None,
    ) -> list[ChatMessage]:
        """Newest `sent_at` first, then `id` desc; `after` is a keyset position."""
        ...

    async def delete_sent_before(self, cutoff: datetime) -> int:
        """Remove every message sent before `cutoff`; returns how many went."""
        ...


class Broadcaster(Protocol):
    """Carries room events to every process that serves rooms, this one included.

    `start` registers this process's listener; from then on every event that any process
    publishes reaches it once, in the order its publisher published. Events published while
    a process cannot hear (its link to the others is being re-established) are not replayed
    to it: stored messages remain in the history.
    """

    async def start(self, listener: RoomListener) -> None: ...

    async def publish(self, event: RoomEvent) -> None:
        """Send `event` to every listening process (a message event must be stored first:
        an adapter may send only its id and read it back)."""
        ...

    async def close(self) -> None: ...
