"""Chat rooms over real sockets against `hexapi serve` (SQLite, one worker): who is let in,
what members see, and what ends a connection."""

# The server is another process: blocking HTTP calls in these tests hold up nothing of it.
# ruff: noqa: ASYNC210, ASYNC212
from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.e2e.chat.support import connect, next_frame, room_url, say, sign_up
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

ORIGIN = "https://app.example"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = {"CORS_ORIGINS": ORIGIN, "CHAT_AUTH_CHECK_SECONDS": "1"}
    with live_server(tmp_path_factory.mktemp("chat"), env=env) as running:
        yield running


@pytest.fixture(scope="module")
def ann(server: LiveServer) -> dict[str, Any]:
    return sign_up(server.base_url, "Ann")


@pytest.fixture(scope="module")
def bob(server: LiveServer) -> dict[str, Any]:
    return sign_up(server.base_url, "Bob")


def room() -> str:
    return f"r-{uuid.uuid4().hex[:12]}"


async def refused(url: str, **kwargs: Any) -> int:
    with pytest.raises(InvalidStatus) as refusal:
        async with websockets.connect(url, open_timeout=20, **kwargs):
            pass
    return refusal.value.response.status_code


async def test_refusals_happen_before_anything_is_broadcast(server, ann, bob) -> None:
    name = room()
    base, token = server.base_url, ann["access_token"]
    async with connect(base, name, bob["access_token"]) as witness:
        bearer = {"Authorization": f"Bearer {token}"}
        assert await refused(room_url(base, "Bad.Room"), additional_headers=bearer) == 403
        assert await refused(room_url(base, "x" * 65), additional_headers=bearer) == 403
        assert await refused(room_url(base, name)) == 403  # no token
        assert await refused(room_url(base, name, "token=not-a-token")) == 403
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        assert (
            await refused(
                room_url(base, name), additional_headers={"Authorization": f"Bearer {forged}"}
            )
            == 403
        )
        refresh = {"Authorization": f"Bearer {ann['refresh_token']}"}
        assert await refused(room_url(base, name), additional_headers=refresh) == 403
        foreign = {**bearer}
        assert (
            await refused(
                room_url(base, name), additional_headers=foreign, origin="https://evil.example"
            )
            == 403
        )
        # None of them was told to the room: the next frame is the one allowed join.
        async with connect(base, name, token, origin=ORIGIN):
            frame = await next_frame(witness)
        assert frame == {
            "type": "join",
            "room": name,
            "user": {"id": ann["id"], "name": "Ann"},
        }


async def test_the_token_may_come_in_the_query(server, ann) -> None:
    url = room_url(server.base_url, room(), f"token={ann['access_token']}")
    async with websockets.connect(url, open_timeout=20) as ws:
        await say(ws, "by query")
        assert (await next_frame(ws, "message"))["text"] == "by query"


async def test_messages_reach_every_member_and_the_history(server, ann, bob) -> None:
    name = room()
    async with connect(server.base_url, name, ann["access_token"]) as a:
        async with connect(server.base_url, name, bob["access_token"]) as b:
            assert (await next_frame(a))["type"] == "join"
            await say(a, "  hello  ")
            to_ann, to_bob = await next_frame(a), await next_frame(b)
        leave = await next_frame(a)
    assert to_ann == to_bob
    assert set(to_ann) == {"type", "id", "room", "user", "text", "sent_at"}
    assert (to_ann["type"], to_ann["room"], to_ann["text"]) == ("message", name, "hello")
    assert to_ann["user"] == {"id": ann["id"], "name": "Ann"}
    assert datetime.fromisoformat(to_ann["sent_at"]).utcoffset() is not None
    assert leave == {"type": "leave", "room": name, "user": {"id": bob["id"], "name": "Bob"}}

    headers = {"Authorization": f"Bearer {bob['access_token']}"}
    history = httpx.get(f"{server.base_url}/api/v1/rooms/{name}/messages", headers=headers)
    assert history.status_code == 200
    assert history.json()["items"] == [{k: v for k, v in to_ann.items() if k != "type"}]


async def test_the_largest_message_gets_through(server, ann) -> None:
    text = "\N{GRINNING FACE}" * 2000
    async with connect(server.base_url, room(), ann["access_token"]) as ws:
        await say(ws, text)
        assert (await next_frame(ws, "message"))["text"] == text


@pytest.mark.parametrize(
    "frame",
    [
        '{"text": ""}',
        "not json",
        "[1]",
        '{"text": "a", "extra": 1}',
        json.dumps({"text": "x" * 2001}),
        b'{"text": "bytes"}',
    ],
)
async def test_a_malformed_frame_gets_an_error_and_the_connection_stays(server, ann, frame) -> None:
    async with connect(server.base_url, room(), ann["access_token"]) as ws:
        await ws.send(frame)
        error = await next_frame(ws)
        assert error["type"] == "error" and isinstance(error["detail"], str)
        await say(ws, "still here")
        assert (await next_frame(ws))["text"] == "still here"


async def test_more_than_20_frames_a_second_closes_with_1008(server, ann) -> None:
    async with connect(server.base_url, room(), ann["access_token"]) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            for n in range(40):
                await ws.send(json.dumps({"text": f"flood {n}"}))
            while True:
                await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_a_revoked_session_ends_the_connection(server) -> None:
    carol = sign_up(server.base_url, "Carol")
    async with connect(server.base_url, room(), carol["access_token"]) as ws:
        logout = httpx.post(
            f"{server.base_url}/api/v1/auth/logout", json={"refresh_token": carol["refresh_token"]}
        )
        assert logout.status_code == 204
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(10):  # CHAT_AUTH_CHECK_SECONDS is 1 here
                while True:
                    await ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


async def test_history_pages_newest_first_with_cursors(server, ann) -> None:
    name = room()
    async with connect(server.base_url, name, ann["access_token"]) as ws:
        for n in range(5):
            await say(ws, f"m{n}")
            await next_frame(ws, "message")
    headers = {"Authorization": f"Bearer {ann['access_token']}"}
    url = f"{server.base_url}/api/v1/rooms/{name}/messages"
    with httpx.Client(headers=headers) as http:
        first = http.get(url, params={"size": 2}).json()
        second = http.get(url, params={"size": 2, "cursor": first["next_cursor"]}).json()
        third = http.get(url, params={"size": 2, "cursor": second["next_cursor"]}).json()
        by_page = http.get(url, params={"size": 2, "page": 3}).json()
        assert http.get(url.replace(name, "Bad.Room")).status_code == 422
    assert httpx.get(url).status_code == 401
    texts = [m["text"] for page in (first, second, third) for m in page["items"]]
    assert texts == ["m4", "m3", "m2", "m1", "m0"]
    assert (first["total"], first["pages"], first["page"], second["page"]) == (5, 3, 1, None)
    assert third["next_cursor"] is None and by_page["items"] == third["items"]


@pytest.mark.slow
async def test_a_slow_consumer_is_closed_and_does_not_stall_the_others(server, ann, bob) -> None:
    name = room()
    # The laggard reads nothing, with a tiny receive window, so the server's buffers fill.
    laggard_socket = socket.socket()
    laggard_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting
    laggard_socket.connect(("127.0.0.1", int(server.base_url.rsplit(":", 1)[1])))
    async with connect(server.base_url, name, bob["access_token"]) as fast:
        _laggard = await websockets.connect(
            room_url(server.base_url, name),
            sock=laggard_socket,
            additional_headers={"Authorization": f"Bearer {ann['access_token']}"},
            max_queue=1,
            open_timeout=20,
        )
        try:
            assert (await next_frame(fast))["type"] == "join"
            senders = [
                await connect(server.base_url, name, bob["access_token"]).__aenter__()
                for _ in range(4)
            ]
            received, left = 0, None
            big = "\N{GRINNING FACE}" * 2000
            try:
                for batch in range(150):
                    for sender in senders:
                        for _ in range(3):
                            await say(sender, f"{batch} {uuid.uuid4().hex} {big}"[:2000])
                    await asyncio.sleep(0.2)
                    while True:
                        try:
                            async with asyncio.timeout(0.01):
                                frame = json.loads(await fast.recv())
                        except TimeoutError:
                            break
                        if frame["type"] == "message":
                            received += 1
                        elif frame["type"] == "leave" and frame["user"]["id"] == ann["id"]:
                            left = frame
                    if left is not None:
                        break
            finally:
                for sender in senders:
                    await sender.close()
            assert left is not None, "the laggard was not closed"
            # The others lost nothing: every message sent reaches them, the laggard gone.
            sent = len(senders) * 3 * (batch + 1)
            async with asyncio.timeout(30):
                while received < sent:
                    if (await next_frame(fast))["type"] == "message":
                        received += 1
            assert received == sent
        finally:
            laggard_socket.close()


def test_no_token_is_ever_written_to_the_log(server, ann) -> None:
    """Runs last in this module: every token the tests above sent, in a header or in the
    query string, accepted or refused, is absent from uvicorn's lines and the access log."""
    url = room_url(server.base_url, "Bad.Room", f"token={ann['access_token']}")
    asyncio.run(refused(url))
    url = room_url(server.base_url, room(), "token=not-a-token-but-secret")
    asyncio.run(refused(url))
    httpx.get(f"{server.base_url}/api/v1/rooms/lobby/messages?token={ann['access_token']}")
    httpx.get(f"{server.base_url}/health")  # the buffered access lines are written within 1 s
    log = ""
    for _ in range(30):
        log = server.log()
        if "/api/v1/rooms/lobby/messages" in log:
            break
        asyncio.run(asyncio.sleep(0.2))
    assert "WebSocket /api/v1/ws/rooms/" in log  # uvicorn's handshake lines are there
    for secret in (
        ann["access_token"],
        ann["access_token"].split(".")[2],
        "not-a-token-but-secret",
    ):
        assert secret not in log
