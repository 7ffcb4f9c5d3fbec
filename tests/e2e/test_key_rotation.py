"""Rotating SECRET_KEY on a running deployment logs nobody out.

The real server runs with key A, hands out tokens and a cursor, and is restarted on the same
database with SECRET_KEY=B and PREVIOUS_SECRET_KEYS=A: what A signed keeps working, what is
new is signed with B. Restarted once more without A, A's tokens are refused.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import jwt
import pytest

from adapters.security.jwt import key_id
from tests.support.api import PASSWORD, bearer
from tests.support.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

KEY_A = "key-before-the-rotation-" + "a" * 40
KEY_B = "key-after-the-rotation-" + "b" * 40
ADMIN = "root@example.com"


def settings(secret: str, previous: str = "") -> dict[str, str]:
    return {
        "SECRET_KEY": secret,
        "PREVIOUS_SECRET_KEYS": previous,
        "FIRST_SUPERUSER_EMAIL": ADMIN,
        "FIRST_SUPERUSER_PASSWORD": PASSWORD,
    }


def log_in(client: httpx.Client) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", data={"username": ADMIN, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()


def test_tokens_and_cursors_of_the_previous_key_keep_working(tmp_path: Path) -> None:
    with (
        live_server(tmp_path, env=settings(KEY_A)) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        for n in range(2):
            body = {"email": f"user{n}@example.com", "name": "Ann", "password": PASSWORD}
            assert client.post("/api/v1/auth/register", json=body).status_code == 201
        before = log_in(client)
        assert jwt.get_unverified_header(before["access_token"])["kid"] == key_id(KEY_A)
        first = client.get("/api/v1/users?size=1", headers=bearer(before["access_token"]))
        cursor = first.json()["next_cursor"]
        assert cursor

    with (
        live_server(tmp_path, env=settings(KEY_B, f'["{KEY_A}"]')) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        old = bearer(before["access_token"])
        assert client.get("/api/v1/users/me", headers=old).status_code == 200
        page = client.get(f"/api/v1/users?size=1&cursor={cursor}", headers=old)
        assert page.status_code == 200, page.text
        assert page.json()["items"][0]["id"] != first.json()["items"][0]["id"]

        refreshed = client.post(
            "/api/v1/auth/refresh", json={"refresh_token": before["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        after = log_in(client)
        for token in (refreshed.json()["access_token"], after["refresh_token"]):
            assert jwt.get_unverified_header(token)["kid"] == key_id(KEY_B)
        new_cursor = client.get(
            "/api/v1/users?size=1", headers=bearer(after["access_token"])
        ).json()["next_cursor"]
    assert "Traceback" not in server.log()

    # Once A is no longer listed, what it signed is refused; what B signed still works.
    with (
        live_server(tmp_path, env=settings(KEY_B)) as server,
        httpx.Client(base_url=server.base_url, timeout=30) as client,
    ):
        new = bearer(after["access_token"])
        assert client.get("/api/v1/users/me", headers=new).status_code == 200
        assert client.get(f"/api/v1/users?size=1&cursor={new_cursor}", headers=new).is_success
        old = client.get("/api/v1/users/me", headers=bearer(refreshed.json()["access_token"]))
        assert old.status_code == 200  # issued after the rotation: signed with B
        gone = client.get("/api/v1/users/me", headers=bearer(before["access_token"]))
        assert gone.status_code == 401
        stale = client.get(f"/api/v1/users?size=1&cursor={cursor}", headers=new)
        assert stale.status_code == 422
