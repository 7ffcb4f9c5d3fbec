"""The real server in production mode: JSON log lines, access lines with request ids, and
no password or token anywhere in its output."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import LIVE_SECRET, live_server

pytestmark = pytest.mark.e2e

ADMIN_PASSWORD = "Admin-Password-77"
QUERY_TOKEN = "handshake-secret-4f1d9c"


def test_production_logs_are_json_lines_without_secrets(tmp_path):
    env = {
        "APP_ENV": "production",
        "FIRST_SUPERUSER_EMAIL": "admin@example.com",
        "FIRST_SUPERUSER_PASSWORD": ADMIN_PASSWORD,
    }
    with live_server(tmp_path, env=env) as server, httpx.Client(base_url=server.base_url) as http:
        email = "prod-logs@example.com"
        responses = [
            http.post(
                "/api/v1/auth/register", json={"email": email, "name": "Ann", "password": PASSWORD}
            ),
            login := http.post(
                "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
            ),
        ]
        tokens = login.json()
        responses += [
            http.get(
                "/api/v1/users/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}
            ),
            http.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
            http.get("/health", params={"token": QUERY_TOKEN}),
            http.post("/api/v1/auth/login", data={"username": email, "password": "Wrong-Pass-1"}),
            # The console e-mail backend logs the reset e-mail, link and token included.
            http.post("/api/v1/auth/forgot-password", json={"email": email}),
        ]
        assert [r.status_code for r in responses[:5]] == [201, 200, 200, 200, 200]
        deadline = time.monotonic() + 10
        while "password_reset" not in server.log() and time.monotonic() < deadline:
            time.sleep(0.05)
    output = server.log()

    for secret in (
        PASSWORD,
        "Wrong-Pass-1",
        ADMIN_PASSWORD,
        LIVE_SECRET,
        QUERY_TOKEN,
        tokens["access_token"],
        tokens["refresh_token"],
    ):
        assert secret not in output
    assert not re.search(r"token=(?!\[redacted\])", output)

    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    access = {line["request_id"]: line for line in lines if line["logger"] == "hexapi.access"}
    for response in responses:
        line = access[response.headers["X-Request-ID"]]
        assert line["status"] == response.status_code
        assert line["method"] == response.request.method
        assert line["route"] == response.request.url.path
        assert isinstance(line["duration_ms"], float)
    assert access[responses[4].headers["X-Request-ID"]]["path"] == "/health?token=[redacted]"
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
