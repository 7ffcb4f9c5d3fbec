"""The HTTP/1.1 protocol `hexapi serve` runs: uvicorn's httptools protocol with the request head
bounded in size and in time.

uvicorn's own protocols bound neither well enough: with httptools a client could hold a
connection open forever by sending a head a byte at a time (or nothing at all), and a head of
any size was taken in whole. h11 bounds the size, but parses in pure Python and costs about a
third of `GET /health` throughput; httptools (llhttp, in C) is what the baselines run.

The size is counted here, read by read: while a head is awaited every byte received counts,
and a read that would pass the limit is parsed only up to it, so a head over the limit is
refused as soon as the limit is passed, and never held whole. The one allowance: the bytes of
a pipelined head that arrive in the same read as the end of the request before it are not
counted, so such a head may pass the limit by at most one read (bounded by the transport).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

MAX_HEAD_BYTES = 16 * 1024
HEAD_TIMEOUT_SECONDS = 30.0
# The import path uvicorn is given (`http=`), so that every worker process loads it the same way.
PROTOCOL_PATH = "entrypoints.http_protocol:BoundedHeadProtocol"

_TOO_LARGE_BODY = b'{"detail":"Request head too large","code":"request_head_too_large"}'


class BoundedHeadProtocol(HttpToolsProtocol):
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
        self._awaiting_head = True  # between requests, or inside a head
        self._head_bytes = 0  # of the awaited head, received so far
        self._heads = 0  # heads completed on this connection
        self._head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        while self._awaiting_head and self._head_bytes + len(data) > MAX_HEAD_BYTES:
            room = MAX_HEAD_BYTES - self._head_bytes
            heads = self._heads
            super().data_received(data[:room])
            if self._handed_on():
                return
            if self._heads == heads:  # the limit is reached and the head is not complete
                self._refuse_head()
                return
            # The head completed within the limit: the rest is its body or the next request.
            data = data[room:]
        if self._awaiting_head:
            self._head_bytes += len(data)
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._heads += 1
        self._awaiting_head = False
        self._disarm_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._awaiting_head, self._head_bytes = True, 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        # A pipelined request queued has its head already; otherwise the next head is awaited.
        if not self.pipeline:
            self._arm_deadline()
        super().on_response_complete()

    def _handed_on(self) -> bool:
        """Whether what was just parsed closed the connection or upgraded it to a WebSocket."""
        return (
            self.parser is None
            or self.transport.is_closing()
            or self.transport.get_protocol() is not self
        )

    def _refuse_head(self) -> None:
        content = [STATUS_LINE[431]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(_TOO_LARGE_BODY)).encode() + b"\r\n",
                b"connection: close\r\n\r\n",
                _TOO_LARGE_BODY,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()

    def _arm_deadline(self) -> None:
        if self._head_deadline is None and not self.transport.is_closing():
            self._head_deadline = self.loop.call_later(HEAD_TIMEOUT_SECONDS, self._head_late)

    def _disarm_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_late(self) -> None:
        self._head_deadline = None
        self.transport.close()
