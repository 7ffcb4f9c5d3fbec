"""Room events between processes and hosts through PostgreSQL LISTEN/NOTIFY.

Every process keeps one dedicated asyncpg connection that LISTENs on one channel and also
sends its NOTIFYs (one at a time: a connection runs one statement at a time). PostgreSQL
delivers each notification to every listening session, the publisher's own included, in
commit order, so a process hands its members exactly what all publishers sent, once.

Payloads: a NOTIFY payload must be shorter than 8,000 bytes, while the largest message
(2,000 characters of four bytes each, plus its envelope) is longer. An event that fits is
sent whole (the common case: no read per event); a message that does not is sent as its
stored id, and each process reads it back from `chat_messages` (messages are stored before
they are broadcast). Chunking was the alternative; it needs reassembly state per publisher
and cannot lose a fragment, while the id costs one indexed read, rarely.

A lost connection is re-established by itself, with backoff (0.1 s doubling to 5 s), and a
connection that went silent is found by a `SELECT 1` every few seconds. Notifications sent
while a process is not listening are not replayed to it: its members miss those events live
(messages, joins and leaves); every message is in the room's history, which a client reads
to fill the gap (`GET /api/v1/rooms/{room}/messages`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from adapters.sqlalchemy.availability import is_unavailable
from application.errors import BackendUnavailable
from application.ports.chat import Broadcaster, RoomListener
from domain.chat import Author, ChatMessage, RoomEvent

log = logging.getLogger("hexapi.chat")

CHANNEL = "hexapi_chat"
# PostgreSQL refuses a payload of 8,000 bytes or more (its default block size).
MAX_PAYLOAD_BYTES = 7999

_MESSAGE = """
SELECT m.id, m.room, m.user_id, u.name, m.text, m.sent_at
FROM chat_messages AS m JOIN users AS u ON u.id = m.user_id
WHERE m.id = $1
"""


def encode(event: RoomEvent) -> str:
    """The NOTIFY payload of `event`: whole when it fits, else (a message) its id."""
    body: dict[str, Any] = {
        "k": event.kind,
        "r": event.room,
        "u": [str(event.user.id), event.user.name],
    }
    if event.connection is not None:
        body["c"] = str(event.connection)
    if event.message is not None:
        message = event.message
        body["m"] = [str(message.id), message.text, message.sent_at.isoformat()]
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    if len(payload.encode()) <= MAX_PAYLOAD_BYTES:
        return payload
    if event.message is None:  # a name is at most 100 characters: cannot happen
        raise ValueError("a room event too large to notify")
    return json.dumps({"k": event.kind, "r": event.room, "ref": str(event.message.id)})


def decode(payload: str) -> tuple[RoomEvent | None, uuid.UUID | None]:
    """The event in `payload`, or (None, id) when it names a stored message to read."""
    body = json.loads(payload)
    if "ref" in body:
        return None, uuid.UUID(body["ref"])
    user_id, name = body["u"]
    author = Author(id=uuid.UUID(user_id), name=name)
    message = None
    if "m" in body:
        message_id, text, sent_at = body["m"]
        message = ChatMessage(
            id=uuid.UUID(message_id),
            room=body["r"],
            user=author,
            text=text,
            sent_at=datetime.fromisoformat(sent_at),
        )
    connection = uuid.UUID(body["c"]) if "c" in body else None
    event = RoomEvent(
        kind=body["k"], room=body["r"], user=author, message=message, connection=connection
    )
    return event, None


class PostgresBroadcaster(Broadcaster):
    """The Broadcaster of several processes or hosts sharing one PostgreSQL database."""

    def __init__(
        self,
        database_url: str,
        *,
        timeout: float,
        check_interval: float = 5.0,
        max_backoff: float = 5.0,
    ) -> None:
        self._dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
        self._timeout, self._check, self._max_backoff = timeout, check_interval, max_backoff
        self._listener: RoomListener | None = None
        self._conn: asyncpg.Connection | None = None
        self._connected = asyncio.Event()
        self._lock = asyncio.Lock()  # one statement at a time on the one connection
        self._inbox: asyncio.Queue[str] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.reconnections = 0  # how many times a lost connection was re-established

    async def start(self, listener: RoomListener) -> None:
        self._listener = listener
        if not self._tasks:
            self._tasks = [
                asyncio.create_task(self._keep_listening(), name="chat-listen"),
                asyncio.create_task(self._hand_out(), name="chat-deliver"),
            ]
        # Wait a moment for the first connection; the keeper goes on trying after that.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._timeout):
                await self._connected.wait()

    async def publish(self, event: RoomEvent) -> None:
        payload = encode(event)
        try:
            async with asyncio.timeout(self._timeout):
                await self._connected.wait()
                async with self._lock:
                    conn = self._live()
                    await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
        except Exception as exc:
            if isinstance(exc, TimeoutError | ConnectionError) or is_unavailable(exc):
                raise BackendUnavailable() from exc
            raise

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._listener = None

    def _live(self) -> asyncpg.Connection:
        conn = self._conn
        if conn is None or conn.is_closed():
            raise ConnectionError("the chat listener connection is not up")
        return conn

    async def _keep_listening(self) -> None:
        backoff, lost_at = 0.1, None
        while True:
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(
                    self._dsn,
                    timeout=self._timeout,
                    command_timeout=self._timeout,
                    server_settings={"application_name": "hexapi-chat"},
                )
                gone = asyncio.Event()
                conn.add_termination_listener(lambda _conn, gone=gone: gone.set())
                await conn.add_listener(CHANNEL, self._on_notify)
                self._conn = conn
                self._connected.set()
                backoff = 0.1
                if lost_at is not None:
                    self.reconnections += 1
                    log.warning(
                        "chat listener reconnected after %.1f s; room events sent meanwhile "
                        "were not delivered live (messages are in the history)",
                        time.monotonic() - lost_at,
                    )
                    lost_at = None
                await self._watch(conn, gone)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if lost_at is None:
                    log.warning("chat listener connection lost: %s", type(exc).__name__)
            finally:
                self._connected.clear()
                self._conn = None
                if conn is not None:
                    conn.terminate()
            if lost_at is None:
                lost_at = time.monotonic()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, self._max_backoff)

    async def _watch(self, conn: asyncpg.Connection, gone: asyncio.Event) -> None:
        """Return when the connection is lost, found by its end or by a check that fails."""
        while not gone.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._check):
                    await gone.wait()
                    break
            async with asyncio.timeout(self._timeout), self._lock:
                await conn.fetchval("SELECT 1")
        raise ConnectionError("the chat listener connection ended")

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self._inbox.put_nowait(payload)

    async def _hand_out(self) -> None:
        """Deliver notifications to the listener one by one, in the order they came."""
        while True:
            payload = await self._inbox.get()
            try:
                event, stored = decode(payload)
                if stored is not None:
                    event = await self._read_message(stored)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("chat event dropped: %s", type(exc).__name__)
                continue
            if event is not None and self._listener is not None:
                self._listener(event)

    async def _read_message(self, message_id: uuid.UUID) -> RoomEvent | None:
        async with asyncio.timeout(self._timeout), self._lock:
            row = await self._live().fetchrow(_MESSAGE, message_id)
        if row is None:  # deleted since (its author's account went)
            return None
        message = ChatMessage(
            id=row["id"],
            room=row["room"],
            user=Author(id=row["user_id"], name=row["name"]),
            text=row["text"],
            sent_at=row["sent_at"],
        )
        return RoomEvent.said(message)
