"""Chat: the live room over WebSocket (`/ws/rooms/{room}`) and its history over HTTP.

The WebSocket protocol (OpenAPI cannot describe it; README, "Chat", says the same):

- the handshake carries an access token as `Authorization: Bearer …` or as `?token=…`; a
  malformed room, a missing or bad token, or a browser `Origin` not in CORS_ORIGINS is
  refused before anything is broadcast (close 1008 before accepting: HTTP 403);
- the client sends `{"text": str}` (1..2,000 characters); a malformed frame is answered with
  `{"type": "error", "detail": str}` and the connection stays open; more than 20 frames a
  second closes it with 1008;
- the server sends `{"type": "message", "id", "room", "user": {"id", "name"}, "text",
  "sent_at"}` to every member (the sender too), and `join` / `leave` frames to the others;
- a member that cannot keep up (its send queue is full) is closed with 1008, an expired
  token or a revoked session with 1008 within CHAT_AUTH_CHECK_SECONDS, and a server that
  stops closes every connection with 1001.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Annotated

from fastapi import APIRouter, Path, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from application.auth.sessions import Authenticate
from application.chat.messages import ListMessages, SendMessage
from application.chat.rooms import POLICY_VIOLATION, Member, Rooms
from application.errors import BackendUnavailable
from domain.chat import (
    FLOOD_FRAMES,
    ROOM_PATTERN,
    Author,
    FloodGuard,
    MalformedFrame,
    check_room,
    parse_frame,
)
from domain.errors import DomainError
from domain.users import User
from entrypoints.http.dependencies import AppSettings, CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.metrics import app_metrics
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.chat import ChatMessageOut, ChatMessagePage, render_error
from entrypoints.setting_lists import normalize_origin

router = APIRouter(tags=["chat"])

INTERNAL_ERROR = 1011
# A member that is ended is given this long to take its close frame; then it is dropped.
CLOSE_GRACE_SECONDS = 1.0
Room = Annotated[str, Path(pattern=f"^{ROOM_PATTERN}$", description="a-z, 0-9, _ and -.")]


@router.get(
    "/rooms/{room}/messages", responses=responses(401, 422), description=ListMessages.__doc__
)
async def chat_list_messages(
    room: Room, _user: CurrentUser, page: PageParams, list_messages: Use[ListMessages]
) -> ChatMessagePage:
    return ChatMessagePage.of(await list_messages(room, page), ChatMessageOut.from_message)


@router.websocket("/ws/rooms/{room}")
async def chat_room(
    websocket: WebSocket,
    room: str,
    settings: AppSettings,
    authenticate: Use[Authenticate],
    send_message: Use[SendMessage],
    rooms: Use[Rooms],
) -> None:
    token = _token(websocket)
    try:
        check_room(room)
        if not _origin_allowed(websocket, settings.cors_origins) or not token:
            raise PermissionError
        user = await authenticate(token)
    except (DomainError, PermissionError) as exc:
        # Before accepting: the client sees HTTP 403 (an outage: the same, with 1011 meant).
        code = INTERNAL_ERROR if isinstance(exc, BackendUnavailable) else POLICY_VIOLATION
        await websocket.close(code)
        return
    await websocket.accept()
    metrics = app_metrics(websocket.app)
    if metrics is not None:
        metrics.websockets.inc()
    try:
        await _take_part(
            websocket,
            room,
            user,
            token,
            authenticate,
            send_message,
            rooms,
            settings.chat_auth_check_seconds,
        )
    finally:
        if metrics is not None:
            metrics.websockets.dec()


async def _take_part(
    websocket: WebSocket,
    room: str,
    user: User,
    token: str,
    authenticate: Authenticate,
    send_message: SendMessage,
    rooms: Rooms,
    auth_check_seconds: float,
) -> None:
    author = Author(id=user.id, name=user.name)
    try:
        member = await rooms.join(room, author)
    except BackendUnavailable:
        await _close(websocket, INTERNAL_ERROR, "the service is unavailable")
        return
    tasks = [
        asyncio.create_task(_read(websocket, member, author, send_message)),
        asyncio.create_task(_write(websocket, member)),
        asyncio.create_task(_recheck(member, token, authenticate, auth_check_seconds)),
        asyncio.create_task(member.ended.wait()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await rooms.leave(member)
    if member.close_code is not None:
        await _close(websocket, member.close_code, member.close_reason)


async def _read(
    websocket: WebSocket, member: Member, author: Author, send_message: SendMessage
) -> None:
    guard = FloodGuard()
    metrics = app_metrics(websocket.app)
    while True:
        frame = await websocket.receive()
        if frame["type"] == "websocket.disconnect":
            return
        if not guard.allow(time.monotonic()):
            member.end(POLICY_VIOLATION, f"more than {FLOOD_FRAMES} frames a second")
            return
        try:
            text = parse_frame(frame.get("text"))
            await send_message(member.room, author, text)
        except MalformedFrame as exc:
            member.offer(render_error(exc.detail))
        except BackendUnavailable:
            member.offer(render_error("the message was not sent: the service is unavailable"))
        else:
            if metrics is not None:
                metrics.chat_messages.inc()


async def _write(websocket: WebSocket, member: Member) -> None:
    """The only sender on this connection: frames go out in the order they were queued."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
        while True:
            await websocket.send_text(await member.outbox.get())


async def _recheck(member: Member, token: str, authenticate: Authenticate, interval: float) -> None:
    """End the member once its token expires or its session is revoked."""
    while True:
        await asyncio.sleep(interval)
        try:
            await authenticate(token)
        except BackendUnavailable:
            continue  # not the member's fault: checked again at the next turn
        except DomainError:
            member.end(POLICY_VIOLATION, "the token expired or the session was revoked")
            return


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    # A laggard's socket may not drain: do not wait on it for long.
    with contextlib.suppress(Exception):
        async with asyncio.timeout(CLOSE_GRACE_SECONDS):
            await websocket.close(code, reason)


def _token(websocket: WebSocket) -> str | None:
    scheme, _, credentials = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return websocket.query_params.get("token") or None


def _origin_allowed(websocket: WebSocket, allowed: list[str]) -> bool:
    """Browsers send `Origin`; other clients need not, and are not refused for that."""
    origin = websocket.headers.get("origin")
    if origin is None:
        return True
    try:
        return normalize_origin(origin) in allowed
    except ValueError:
        return False
