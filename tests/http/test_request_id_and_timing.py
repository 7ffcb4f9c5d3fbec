"""Every response carries X-Request-ID (echoed when safe, generated otherwise) and
X-Process-Time (seconds, as a float)."""

from __future__ import annotations

import re

import pytest

GENERATED = re.compile(r"[A-Za-z0-9._-]{1,128}")


@pytest.mark.parametrize(
    "incoming",
    ["abc", "A-Za-z0-9._-", "x" * 128, "req.2024-01-01_0001"],
)
async def test_a_safe_incoming_id_is_echoed(client, incoming):
    response = await client.get("/health", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming


@pytest.mark.parametrize(
    "incoming",
    ["x" * 129, "has space", "semi;colon", "slash/id", "new\\nline", "ünïcode", ""],
)
async def test_an_unsafe_incoming_id_is_replaced(client, incoming):
    response = await client.get("/health", headers={"X-Request-ID": incoming.encode("utf-8")})
    replaced = response.headers["X-Request-ID"]
    assert replaced != incoming
    assert GENERATED.fullmatch(replaced)


async def test_without_an_incoming_id_each_request_gets_a_new_one(client):
    ids = {(await client.get("/health")).headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5
    assert all(GENERATED.fullmatch(i) for i in ids)


async def test_the_response_has_exactly_one_request_id(client):
    response = await client.get("/health", headers={"X-Request-ID": "one"})
    assert response.headers.get_list("X-Request-ID") == ["one"]


@pytest.mark.parametrize("path", ["/health", "/api/v1/users/me", "/no/such/path"])
async def test_process_time_is_a_small_positive_float(client, path):
    response = await client.get(path)
    seconds = float(response.headers["X-Process-Time"])
    assert 0 <= seconds < 10
