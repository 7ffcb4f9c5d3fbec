"""Members of chat rooms over real sockets: accounts on a live server, connections, frames."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets

from tests.support.api import PASSWORD


def sign_up(base_url: str, name: str) -> dict[str, Any]:
    """Register `name` and log in: the account, with its tokens."""
    email = f"{name.lower()}@example.com"
    with httpx.Client(base_url=base_url, timeout=30) as http:
        body = {"email": email, "name": name, "password": PASSWORD}
        user = http.post("/api/v1/auth/register", json=body)
        assert user.status_code == 201, user.text
        tokens = http.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
        assert tokens.status_code == 200, tokens.text
    return {**user.json(), **tokens.json()}


def room_url(base_url: str, room: str, query: str = "") -> str:
    url = base_url.replace("http://", "ws://") + f"/api/v1/ws/rooms/{room}"
    return f"{url}?{query}" if query else url


def connect(base_url: str, room: str, token: str | None, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return websockets.connect(
        room_url(base_url, room), additional_headers=headers, open_timeout=20, **kwargs
    )


async def next_frame(ws: Any, kind: str | None = None, within: float = 10) -> dict[str, Any]:
    """The next frame (of `kind`, skipping others)."""
    async with asyncio.timeout(within):
        while True:
            frame = json.loads(await ws.recv())
            if kind is None or frame["type"] == kind:
                return frame


async def say(ws: Any, text: str) -> None:
    await ws.send(json.dumps({"text": text}))
