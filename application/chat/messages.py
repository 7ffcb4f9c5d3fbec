"""Chat use cases: send a message to a room, read a room's history, prune old messages."""

from __future__ import annotations

from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from application.ports import Clock, UnitOfWorkFactory
from application.ports.chat import Broadcaster
from domain.chat import (
    DEFAULT_HISTORY_DAYS,
    Author,
    ChatMessage,
    RoomEvent,
    check_room,
    history_cutoff,
)


class SendMessage:
    """Store a message in the room's history, then broadcast it to every member of the room
    on every process, the sender included."""

    def __init__(self, uow: UnitOfWorkFactory, broadcaster: Broadcaster, clock: Clock) -> None:
        self._uow, self._broadcaster, self._clock = uow, broadcaster, clock

    async def __call__(self, room: str, author: Author, text: str) -> ChatMessage:
        message = ChatMessage.new(room, author, text, self._clock.now())
        async with self._uow() as uow:
            await uow.chat.add(message)
            await uow.commit()
        # Stored first: whoever misses the live event finds the message in the history.
        await self._broadcaster.publish(RoomEvent.said(message))
        return message


class ListMessages:
    """A room's history, newest `sent_at` first (then `id` desc), for any signed-in user.
    Messages are kept for `CHAT_HISTORY_DAYS`; a deleted account's messages are gone."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(self, room: str, request: PageRequest) -> Page[ChatMessage]:
        check_room(room)
        binding = {"listing": "chat", "room": room}
        window = self._paginator.window(request, NEWEST_FIRST, binding)
        async with self._uow(read_only=True) as uow:
            total = await uow.chat.count(room)
            rows = await uow.chat.list(
                room, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, NEWEST_FIRST, binding, rows, total)


class PruneMessages:
    """Remove every message older than the history keeps (`days`); returns how many."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, days: int = DEFAULT_HISTORY_DAYS
    ) -> None:
        self._uow, self._clock, self._days = uow, clock, days

    async def __call__(self) -> int:
        cutoff = history_cutoff(self._clock.now(), self._days)
        async with self._uow() as uow:
            removed = await uow.chat.delete_sent_before(cutoff)
            await uow.commit()
        return removed
