"""uvicorn's WebSocket protocol, closing with 1001 (going away) when the server stops.

uvicorn closes open WebSocket connections with 1012 (service restart) on a graceful stop,
before the app's shutdown could say anything; the contract's code for a server that goes
down is 1001, so the close frame is sent here instead.
"""

from __future__ import annotations

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

GOING_AWAY = 1001


class GoingAwayWebSocketProtocol(WebSocketsSansIOProtocol):
    def shutdown(self) -> None:
        if not self.handshake_complete or self.close_sent:
            super().shutdown()
            return
        self.stop_keepalive()
        self.queue.put_nowait({"type": "websocket.disconnect", "code": GOING_AWAY})
        self.conn.send_close(GOING_AWAY, "the server is shutting down")
        self.close_sent = True
        self.transport.write(b"".join(self.conn.data_to_send()))
        self.transport.close()
