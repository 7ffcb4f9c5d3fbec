"""The `hexapi` command as an operator runs it: migrate, create-superuser, and refusing to
start on a bad setting with one clear line."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.support.live_server import HEXAPI, LIVE_SECRET, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(90)]
ROOT_PASSWORD = "Root-Password-42"


def hexapi(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed command with only `env` as settings; stdin is not a terminal."""
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY", "APP_ENV")
    }
    return subprocess.run(
        [str(HEXAPI), *args],
        cwd=cwd,
        env={**inherited, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'live.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": LIVE_SECRET,
    }


def test_migrate_then_create_a_superuser_who_can_log_in(tmp_path, settings) -> None:
    migrated = hexapi("migrate", cwd=tmp_path, **settings)
    assert migrated.returncode == 0, migrated.stderr
    assert "latest migration" in migrated.stdout
    assert (tmp_path / "live.db").exists()
    args = ("create-superuser", "--email", "Root@Example.com", "--name", "Root")
    created = hexapi(*args, cwd=tmp_path, HEXAPI_PASSWORD=ROOT_PASSWORD, **settings)
    assert created.returncode == 0, created.stderr
    assert "root@example.com" in created.stdout
    assert ROOT_PASSWORD not in created.stdout + created.stderr

    again = hexapi(*args, cwd=tmp_path, HEXAPI_PASSWORD=ROOT_PASSWORD, **settings)
    assert again.returncode != 0
    assert "Traceback" not in again.stderr
    assert "exists" in again.stderr

    with (
        live_server(tmp_path, env=settings) as server,
        httpx.Client(base_url=server.base_url) as http,
    ):
        form = {"username": "root@example.com", "password": ROOT_PASSWORD}
        login = http.post("/api/v1/auth/login", data=form)
        assert login.status_code == 200, login.text
        me = http.get(
            "/api/v1/users/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
        )
        assert me.json()["is_superuser"] is True


def test_create_superuser_without_a_terminal_needs_hexapi_password(tmp_path, settings) -> None:
    result = hexapi(
        "create-superuser", "--email", "a@example.com", "--name", "A", cwd=tmp_path, **settings
    )
    assert result.returncode != 0
    assert "HEXAPI_PASSWORD" in result.stderr
    assert "Traceback" not in result.stderr


def test_create_superuser_applies_the_password_policy(tmp_path, settings) -> None:
    args = ("create-superuser", "--email", "a@example.com", "--name", "A")
    result = hexapi(*args, cwd=tmp_path, HEXAPI_PASSWORD="weakpass", **settings)
    assert result.returncode != 0
    assert "password" in result.stderr and "weakpass" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ({"ACCESS_TOKEN_EXPIRE_MINUTES": "abc"}, "ACCESS_TOKEN_EXPIRE_MINUTES"),
        ({"APP_ENV": "production", "SECRET_KEY": ""}, "SECRET_KEY"),
        ({"APP_ENV": "production", "SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"JWT_ALGORITHM": "none"}, "JWT_ALGORITHM"),
        ({"DATABASE_URL": "mysql://db/hexapi"}, "DATABASE_URL"),
        (
            {"FIRST_SUPERUSER_EMAIL": "admin@example.com", "FIRST_SUPERUSER_PASSWORD": "too-short"},
            "FIRST_SUPERUSER_PASSWORD",
        ),
    ],
)
def test_a_bad_setting_stops_serve_with_one_line_naming_it(tmp_path, settings, bad, named) -> None:
    result = hexapi("serve", "--port", "9", cwd=tmp_path, **{**settings, **bad})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert named in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert "too-short" not in result.stderr


def test_a_data_dir_that_cannot_keep_the_key_stops_serve_with_one_line(tmp_path, settings) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    env = {**settings, "APP_ENV": "development", "SECRET_KEY": "", "DATA_DIR": str(blocker / "x")}
    result = hexapi("serve", "--port", "9", cwd=tmp_path, **env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATA_DIR" in lines[0]


@pytest.mark.parametrize(
    "database_url",
    ["postgresql+asyncpg://postgres@127.0.0.1:1/hexapi", "sqlite+aiosqlite:////proc/no/such.db"],
)
@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_an_unreachable_database_stops_with_one_line(tmp_path, settings, command, database_url):
    result = hexapi(command, cwd=tmp_path, **{**settings, "DATABASE_URL": database_url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL" in lines[0]


def test_a_busy_port_stops_serve_with_one_line_that_says_what_to_do(tmp_path, settings) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = hexapi("serve", "--port", str(port), cwd=tmp_path, **settings)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"127.0.0.1:{port} is already in use" in lines[0]
    assert "--port" in lines[0]
