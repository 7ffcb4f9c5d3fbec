"""The whole auth flow against the real `hexapi serve`, over a real socket, from a folder
that is not the source tree: on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def run_auth_flow(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        assert http.get("/health").json() == {"status": "healthy"}
        body = {"email": "Live@Example.com", "name": "Live", "password": PASSWORD}
        registered = http.post("/api/v1/auth/register", json=body)
        assert registered.status_code == 201, registered.text
        assert http.post("/api/v1/auth/register", json=body).status_code == 409

        form = {"username": "live@example.com", "password": PASSWORD}
        first = http.post("/api/v1/auth/login", data=form)
        assert first.status_code == 200, first.text
        tokens = first.json()
        assert (tokens["token_type"], tokens["expires_in"]) == ("bearer", 900)

        me = http.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
        assert me.status_code == 200
        assert me.json()["id"] == registered.json()["id"]

        refreshed = http.post(
            "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
        )
        assert refreshed.status_code == 200, refreshed.text
        new = refreshed.json()
        assert http.get("/api/v1/users/me", headers=bearer(new["access_token"])).status_code == 200

        assert (
            http.post(
                "/api/v1/auth/logout", json={"refresh_token": new["refresh_token"]}
            ).status_code
            == 204
        )
        after = http.get("/api/v1/users/me", headers=bearer(new["access_token"]))
        assert after.status_code == 401
        assert after.json()["code"] == "invalid_token"
        assert after.headers["WWW-Authenticate"] == "Bearer"


def test_auth_flow_on_sqlite_with_a_generated_key(tmp_path: Path) -> None:
    # Development mode and no SECRET_KEY: the server makes one and keeps it in DATA_DIR.
    env = {"APP_ENV": "development", "SECRET_KEY": ""}
    with live_server(tmp_path, env=env) as server:
        assert server.process.poll() is None
        run_auth_flow(server.base_url)
    assert server.process.returncode is not None  # stopped, not left behind
    assert (tmp_path / "data" / "secret_key").stat().st_size >= 32
    assert (tmp_path / "live.db").exists()


def test_auth_flow_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    with live_server(tmp_path, env={"DATABASE_URL": postgres_url}) as server:
        run_auth_flow(server.base_url)
    assert server.process.returncode is not None
    assert not (tmp_path / "live.db").exists()
