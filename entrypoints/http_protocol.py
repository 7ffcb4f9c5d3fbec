"""The HTTP/1.1 protocol `hexapi serve` runs: uvicorn's h11 protocol with the request head
bounded in size and in time.

uvicorn's httptools protocol bounds neither: a client could hold a connection open forever by
sending a head a byte at a time (or nothing at all), and a head of any size was buffered
whole. h11 refuses an incomplete event larger than its limit, which for a request is exactly
its head; the deadline below closes a connection whose head has not arrived in time.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

MAX_HEAD_BYTES = 16 * 1024
HEAD_TIMEOUT_SECONDS = 30.0
# The import path uvicorn is given (`http=`), so that every worker process loads it the same way.
PROTOCOL_PATH = "entrypoints.http_protocol:BoundedHeadProtocol"


class _HeadConnection(h11.Connection):
    """An h11 connection that remembers the status h11 suggests for a refused head (431 when
    the head outgrew the limit) and tells its owner when a whole head has arrived."""

    def __init__(self, on_head: Any) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
        self.refusal_status = 400
        self._on_head = on_head

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as exc:
            self.refusal_status = exc.error_status_hint
            raise
        if isinstance(event, h11.Request):
            self._on_head()
        return event


class BoundedHeadProtocol(H11Protocol):
    """A request head over MAX_HEAD_BYTES is answered 431 and the connection closed; a
    connection that has not delivered a whole head HEAD_TIMEOUT_SECONDS after it opened, or
    after its previous response, is closed. WebSocket upgrades are handed on as before."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._head_conn = _HeadConnection(self._head_arrived)
        self.conn = self._head_conn
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_arrived()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        # Armed before the parent looks at pipelined data, so a head already buffered
        # disarms it at once.
        self._await_head()
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        if self._head_conn.refusal_status != 431:
            super().send_400_response(msg)
            return
        body = b'{"detail":"Request head too large","code":"request_head_too_large"}'
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=431, headers=headers),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _await_head(self) -> None:
        if self._head_deadline is None and not self.transport.is_closing():
            self._head_deadline = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_late)

    def _head_arrived(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_late(self) -> None:
        self._head_deadline = None
        self.transport.close()
