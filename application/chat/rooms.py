"""This process's members of every room, and the fan-out of room events to them.

Events arrive from the Broadcaster (published here or by any other process) and are put in
each local member's bounded send queue without waiting: a member whose queue is full is a
laggard and is ended, so one slow consumer never holds up the room for the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable

from application.ports.chat import Broadcaster
from domain.chat import Author, EventKind, RoomEvent

DEFAULT_QUEUE_SIZE = 256

# WebSocket close codes the rooms end members with.
POLICY_VIOLATION = 1008
GOING_AWAY = 1001


class Member:
    """One connection in one room: the frames waiting to be sent to it, and, once it must
    go, why (`close_code`, `close_reason`)."""

    def __init__(self, room: str, user: Author, queue_size: int) -> None:
        self.id = uuid.uuid4()
        self.room, self.user = room, user
        self.outbox: asyncio.Queue[str] = asyncio.Queue(maxsize=queue_size)
        self.ended = asyncio.Event()
        self.close_code: int | None = None
        self.close_reason = ""

    def offer(self, frame: str) -> bool:
        """Queue `frame` for sending; a full queue ends the member instead (False)."""
        if self.ended.is_set():
            return False
        try:
            self.outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self.end(POLICY_VIOLATION, "too slow to keep up with the room")
            return False
        return True

    def end(self, code: int, reason: str = "") -> None:
        """Ask the connection to close with `code`; the first reason given is kept."""
        if not self.ended.is_set():
            self.close_code, self.close_reason = code, reason
            self.ended.set()


class Rooms:
    """The local side of every room. `render` turns an event into the frame members get
    (once per event, whatever the number of members)."""

    def __init__(
        self,
        broadcaster: Broadcaster,
        render: Callable[[RoomEvent], str],
        *,
        queue_size: int = DEFAULT_QUEUE_SIZE,
    ) -> None:
        self._broadcaster, self._render, self._queue_size = broadcaster, render, queue_size
        self._rooms: dict[str, dict[uuid.UUID, Member]] = {}
        self._started = False
        self._starting = asyncio.Lock()

    @property
    def broadcaster(self) -> Broadcaster:
        return self._broadcaster

    async def start(self) -> None:
        async with self._starting:
            if not self._started:
                await self._broadcaster.start(self.deliver)
                self._started = True

    async def close(self) -> None:
        self.end_all(GOING_AWAY, "the server is shutting down")
        if self._started:
            self._started = False
            await self._broadcaster.close()

    def members(self, room: str) -> list[Member]:
        return list(self._rooms.get(room, {}).values())

    def count(self) -> int:
        return sum(len(members) for members in self._rooms.values())

    async def join(self, room: str, user: Author) -> Member:
        """Add a member to `room` here, and tell the room's other members everywhere."""
        await self.start()
        member = Member(room, user, self._queue_size)
        self._rooms.setdefault(room, {})[member.id] = member
        try:
            await self._broadcaster.publish(RoomEvent.joined(room, user, member.id))
        except BaseException:
            self._forget(member)
            raise
        return member

    async def leave(self, member: Member) -> None:
        """Remove `member` (at most once) and tell the others; never raises for an outage."""
        if not self._forget(member):
            return
        with contextlib.suppress(Exception):  # the member is gone either way
            await self._broadcaster.publish(RoomEvent.left(member.room, member.user, member.id))

    def deliver(self, event: RoomEvent) -> None:
        """The Broadcaster's listener: queue the event's frame for each local member of its
        room (join and leave go to the others only). Never waits."""
        members = self._rooms.get(event.room)
        if not members:
            return
        frame = self._render(event)
        skip = event.connection if event.kind != EventKind.MESSAGE else None
        for member in list(members.values()):
            if member.id != skip:
                member.offer(frame)

    def end_all(self, code: int, reason: str = "") -> None:
        for members in list(self._rooms.values()):
            for member in list(members.values()):
                member.end(code, reason)

    def _forget(self, member: Member) -> bool:
        members = self._rooms.get(member.room)
        if members is None or members.pop(member.id, None) is None:
            return False
        if not members:
            del self._rooms[member.room]
        return True
