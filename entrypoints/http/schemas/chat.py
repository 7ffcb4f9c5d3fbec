"""The chat on the wire: history items, and the frames a WebSocket member gets."""

from __future__ import annotations

import uuid
from typing import Literal

from domain.chat import Author, ChatMessage, EventKind, RoomEvent
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import ResponseModel, UtcDatetime


class ChatUserOut(ResponseModel):
    """Who sent a message or joined a room: their id and current name."""

    id: uuid.UUID
    name: str

    @classmethod
    def from_author(cls, author: Author) -> ChatUserOut:
        return cls(id=author.id, name=author.name)


class ChatMessageOut(ResponseModel):
    """A stored message of a room."""

    id: uuid.UUID
    room: str
    user: ChatUserOut
    text: str
    sent_at: UtcDatetime

    @classmethod
    def from_message(cls, message: ChatMessage) -> ChatMessageOut:
        return cls(
            id=message.id,
            room=message.room,
            user=ChatUserOut.from_author(message.user),
            text=message.text,
            sent_at=message.sent_at,
        )


class ChatMessagePage(PageOut[ChatMessageOut]):
    """A page of a room's history, newest first."""


class MessageFrame(ChatMessageOut):
    type: Literal["message"] = "message"


class PresenceFrame(ResponseModel):
    type: Literal["join", "leave"]
    room: str
    user: ChatUserOut


class ErrorFrame(ResponseModel):
    type: Literal["error"] = "error"
    detail: str


def render_event(event: RoomEvent) -> str:
    """The frame every member of the room gets for `event` (rendered once per event)."""
    if event.kind == EventKind.MESSAGE and event.message is not None:
        message = ChatMessageOut.from_message(event.message)
        return MessageFrame(**message.model_dump()).model_dump_json()
    kind: Literal["join", "leave"] = "join" if event.kind == EventKind.JOIN else "leave"
    user = ChatUserOut.from_author(event.user)
    return PresenceFrame(type=kind, room=event.room, user=user).model_dump_json()


def render_error(detail: str) -> str:
    return ErrorFrame(detail=detail).model_dump_json()
