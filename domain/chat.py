"""Chat rooms: room names, what a client frame may say, the flood rule, stored messages.

Written once here and used by the WebSocket route, the history route, the use cases and
every adapter, so the numbers below have no second copy.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.errors import PolicyViolation
from domain.users import TEXT_CONTROL_CHARACTERS

ROOM_PATTERN = r"[a-z0-9_-]{1,64}"
_ROOM = re.compile(ROOM_PATTERN)
MAX_ROOM_LENGTH = 64
MAX_TEXT_LENGTH = 2000
_CONTROL_IN_TEXT = re.compile(f"[{TEXT_CONTROL_CHARACTERS}]")

# More than this many frames within one window closes the connection (policy violation).
FLOOD_FRAMES = 20
FLOOD_WINDOW_SECONDS = 1.0

DEFAULT_HISTORY_DAYS = 30


class InvalidRoom(PolicyViolation):
    default_detail = "room must be 1 to 64 of a-z, 0-9, _ and -"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, field="room")


class MalformedFrame(PolicyViolation):
    """A client frame that is not `{"text": str}` with an acceptable text. The connection
    stays open: the client is told, and may send the next one."""

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail, field="text")


def check_room(room: str) -> str:
    """`room` when it is a valid room name, else InvalidRoom."""
    if not isinstance(room, str) or _ROOM.fullmatch(room) is None:
        raise InvalidRoom()
    return room


def check_text(text: object) -> str:
    """A message text: stripped of surrounding white space, then 1 to 2,000 characters with
    no control character other than line breaks and tabs."""
    if not isinstance(text, str):
        raise MalformedFrame("text must be a string")
    text = text.strip()
    if not 1 <= len(text) <= MAX_TEXT_LENGTH:
        raise MalformedFrame(f"text must be 1 to {MAX_TEXT_LENGTH} characters")
    if _CONTROL_IN_TEXT.search(text):
        raise MalformedFrame("text must not contain control characters")
    return text


def parse_frame(raw: str | bytes | None) -> str:
    """The text of a client frame `{"text": str}` (JSON object, nothing else in it)."""
    if raw is None:
        raise MalformedFrame("frames must be JSON text frames")
    if len(raw) > MAX_TEXT_LENGTH * 12 + 64:  # worst case: every character \\uXXXX\\uXXXX
        raise MalformedFrame("the frame is too long")
    try:
        frame = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise MalformedFrame("the frame is not JSON") from None
    if not isinstance(frame, dict):
        raise MalformedFrame('the frame must be a JSON object {"text": ...}')
    if set(frame) != {"text"}:
        raise MalformedFrame('the frame must have exactly one field, "text"')
    return check_text(frame["text"])


@dataclass(slots=True)
class FloodGuard:
    """Counts a connection's frames over a sliding window; `allow` is False once more than
    FLOOD_FRAMES arrived within FLOOD_WINDOW_SECONDS."""

    limit: int = FLOOD_FRAMES
    window: float = FLOOD_WINDOW_SECONDS
    _arrivals: deque[float] = field(default_factory=deque)

    def allow(self, now: float) -> bool:
        arrivals = self._arrivals
        while arrivals and arrivals[0] <= now - self.window:
            arrivals.popleft()
        arrivals.append(now)
        return len(arrivals) <= self.limit


@dataclass(frozen=True, slots=True, kw_only=True)
class Author:
    """Who sent a message or joined a room, as other members see them."""

    id: uuid.UUID
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatMessage:
    """A stored message of a room; `id` is what members and the history see."""

    id: uuid.UUID
    room: str
    user: Author
    text: str
    sent_at: datetime

    @classmethod
    def new(cls, room: str, user: Author, text: str, now: datetime) -> ChatMessage:
        return cls(
            id=uuid.uuid4(), room=check_room(room), user=user, text=check_text(text), sent_at=now
        )

    @property
    def created_at(self) -> datetime:  # the pagination key reads created_at, id
        return self.sent_at


def history_cutoff(now: datetime, days: int) -> datetime:
    """Messages sent before this instant are past their keeping."""
    return now - timedelta(days=days)


class EventKind:
    MESSAGE = "message"
    JOIN = "join"
    LEAVE = "leave"


@dataclass(frozen=True, slots=True, kw_only=True)
class RoomEvent:
    """What happens in a room, as it travels between processes: a message to every member,
    or a member joining or leaving, told to the others (not to `connection`, which caused it).
    """

    kind: str
    room: str
    user: Author
    message: ChatMessage | None = None
    connection: uuid.UUID | None = None

    @classmethod
    def said(cls, message: ChatMessage) -> RoomEvent:
        return cls(kind=EventKind.MESSAGE, room=message.room, user=message.user, message=message)

    @classmethod
    def joined(cls, room: str, user: Author, connection: uuid.UUID) -> RoomEvent:
        return cls(kind=EventKind.JOIN, room=room, user=user, connection=connection)

    @classmethod
    def left(cls, room: str, user: Author, connection: uuid.UUID) -> RoomEvent:
        return cls(kind=EventKind.LEAVE, room=room, user=user, connection=connection)
