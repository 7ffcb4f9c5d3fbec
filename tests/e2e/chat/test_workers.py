"""One room across processes: `hexapi serve --workers 2` on PostgreSQL, members spread over
both workers, every member receiving every message exactly once; and a graceful stop that
tells connected members the server is going away (1001)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections import Counter
from pathlib import Path
from typing import Any

import psutil
import pytest
from websockets.exceptions import ConnectionClosed

from tests.e2e.chat.support import connect, next_frame, say, sign_up
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

MEMBERS = 16
MESSAGES_EACH = 3


def workers_holding_connections(server: LiveServer) -> Counter[int]:
    """How many established connections to the server's port each worker process holds."""
    port = int(server.base_url.rsplit(":", 1)[1])
    held: Counter[int] = Counter()
    for worker in psutil.Process(server.process.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            for conn in worker.net_connections(kind="tcp"):
                if conn.status == psutil.CONN_ESTABLISHED and conn.laddr.port == port:
                    held[worker.pid] += 1
    return held


@pytest.mark.postgres
async def test_members_on_two_workers_each_receive_every_message_once(
    tmp_path: Path, postgres_url: str
) -> None:
    with live_server(tmp_path, workers=2, env={"DATABASE_URL": postgres_url}) as server:
        people = [sign_up(server.base_url, f"Member{n}") for n in range(MEMBERS)]
        async with contextlib.AsyncExitStack() as stack:
            members = []
            for person in people:
                # A new connection each time: the kernel hands them to either worker.
                members.append(
                    await stack.enter_async_context(
                        connect(server.base_url, "two-workers", person["access_token"])
                    )
                )
            held = workers_holding_connections(server)
            assert len(held) == 2, f"all members landed on one worker: {held}"

            sent = set()
            for n, member in enumerate(members):
                for k in range(MESSAGES_EACH):
                    text = f"from {n} #{k}"
                    await say(member, text)
                    sent.add(text)

            async def everything_once(ws: Any) -> Counter[str]:
                got: Counter[str] = Counter()
                while sum(got.values()) < len(sent):
                    got[(await next_frame(ws, "message", within=30))["text"]] += 1
                with contextlib.suppress(TimeoutError):  # and nothing more arrives
                    got[(await next_frame(ws, "message", within=1))["text"]] += 1
                return got

            received = await asyncio.gather(*(everything_once(m) for m in members))
        for got in received:
            assert got == Counter({text: 1 for text in sent})


async def test_a_graceful_stop_closes_members_with_1001(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        ann = sign_up(server.base_url, "Ann")
        async with connect(server.base_url, "closing", ann["access_token"]) as ws:
            await say(ws, "still here")
            await next_frame(ws, "message")
            server.process.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(20):
                    while True:
                        await ws.recv()
        assert server.process.wait(timeout=30) == 0
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1001
