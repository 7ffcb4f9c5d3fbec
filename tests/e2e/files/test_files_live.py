"""Files on the real `hexapi serve`, over real sockets: a client that goes away mid-upload
leaves nothing, the limit is exact, ten files go in one request, hostile names come back
clean, the bytes round-trip by sha256, and what a crash between storing the bytes and
committing the row leaves behind is swept at the next start."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.support.api import PASSWORD
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]
MiB = 1024 * 1024
LIMIT = 10 * MiB  # the default MAX_UPLOAD_BYTES


def signed_in(base_url: str, email: str) -> dict[str, str]:
    body = {"email": email, "name": "Ann", "password": PASSWORD}
    httpx.post(f"{base_url}/api/v1/auth/register", json=body, timeout=10).raise_for_status()
    form = {"username": email, "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/login", data=form, timeout=10)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def upload(base_url: str, headers: dict[str, str], *files: tuple[str, bytes, str]):
    return httpx.post(
        f"{base_url}/api/v1/files",
        headers=headers,
        files=[("files", f) for f in files],
        timeout=60,
    )


def stored(folder: Path) -> list[Path]:
    """Everything under UPLOAD_DIR/files, temporary files included."""
    root = folder / "uploads" / "files"
    return sorted(root.iterdir()) if root.exists() else []


def eventually(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def total(base_url: str, headers: dict[str, str]) -> int:
    response = httpx.get(f"{base_url}/api/v1/files", headers=headers, timeout=10)
    response.raise_for_status()
    return int(response.json()["total"])


def start_upload(server: LiveServer, headers: dict[str, str], declared: int) -> socket.socket:
    """A multipart upload over a raw socket that announces `declared` bytes of file."""
    host, port = server.base_url.removeprefix("http://").split(":")
    head = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    tail = b"\r\n--b--\r\n"
    conn = socket.create_connection((host, int(port)), timeout=10)
    request = (
        f"POST /api/v1/files HTTP/1.1\r\nHost: {host}\r\n"
        f"Authorization: {headers['Authorization']}\r\n"
        "Content-Type: multipart/form-data; boundary=b\r\n"
        f"Content-Length: {len(head) + declared + len(tail)}\r\n\r\n"
    ).encode()
    conn.sendall(request + head)
    return conn


@pytest.fixture
def server(tmp_path: Path):
    with live_server(tmp_path) as running:
        yield running


def test_a_client_that_goes_away_mid_upload_leaves_no_bytes_and_no_row(server, tmp_path) -> None:
    headers = signed_in(server.base_url, "gone@example.com")
    conn = start_upload(server, headers, declared=8 * MiB)
    for _ in range(48):  # 3 MiB of the 8 announced, then the client vanishes
        conn.sendall(os.urandom(64 * 1024))
    assert eventually(lambda: stored(tmp_path) != []), "the upload never reached storage"
    conn.close()
    assert eventually(lambda: stored(tmp_path) == []), stored(tmp_path)
    assert total(server.base_url, headers) == 0
    # The server is none the worse for it.
    ok = upload(server.base_url, headers, ("after.txt", b"after", "text/plain"))
    assert ok.status_code == 201, ok.text


def test_exactly_the_limit_round_trips_and_one_byte_more_is_413(server, tmp_path) -> None:
    headers = signed_in(server.base_url, "limit@example.com")
    largest = os.urandom(LIMIT)
    response = upload(server.base_url, headers, ("largest.bin", largest, "application/x-thing"))
    assert response.status_code == 201, response.text
    [file] = response.json()
    assert file["size"] == LIMIT and file["sha256"] == hashlib.sha256(largest).hexdigest()
    content = httpx.get(
        f"{server.base_url}/api/v1/files/{file['id']}/content", headers=headers, timeout=60
    )
    assert hashlib.sha256(content.content).hexdigest() == file["sha256"]
    assert content.headers["content-length"] == str(LIMIT)
    assert content.headers["content-type"] == "application/x-thing"
    try:
        over = upload(server.base_url, headers, ("over.bin", largest + b"x", ""))
    except httpx.TransportError:
        pass  # the server may answer 413 and close while the client is still sending
    else:
        assert over.status_code == 413 and over.json()["code"] == "payload_too_large"
    assert eventually(lambda: len(stored(tmp_path)) == 1)
    assert total(server.base_url, headers) == 1


def test_ten_hostile_names_in_one_request_come_back_clean_and_round_trip(server) -> None:
    headers = signed_in(server.base_url, "names@example.com")
    names = [
        "../../../etc/passwd",
        "..\\..\\boot.ini",
        "C:\\temp\\x.txt",
        "a\tb\x1fc\u202egnp.exe",
        "x" * 10_000,
        "تقرير مالي.pdf",
        "🎉🎂 party.png",
        "..",
        "   ",
        "plain.txt",
    ]
    files = [(name, os.urandom(1000 + i)) for i, name in enumerate(names)]
    # Written by hand: httpx would percent-encode the control characters of a name.
    body = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="'
        + name.encode()
        + b'"\r\n\r\n'
        + content
        + b"\r\n"
        for name, content in files
    )
    response = httpx.post(
        f"{server.base_url}/api/v1/files",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=body + b"--b--\r\n",
        timeout=60,
    )
    assert response.status_code == 201, response.text
    kept_files = response.json()
    assert [f["filename"] for f in kept_files] == [
        "passwd",
        "boot.ini",
        "x.txt",
        "abcgnp.exe",
        "x" * 255,
        "تقرير مالي.pdf",
        "🎉🎂 party.png",
        "file",
        "file",
        "plain.txt",
    ]
    for sent, kept in zip(files, kept_files, strict=True):
        link = httpx.post(
            f"{server.base_url}/api/v1/files/{kept['id']}/link", headers=headers, timeout=10
        ).json()
        content = httpx.get(server.base_url + link["url"], timeout=10)  # no token
        assert content.status_code == 200
        assert hashlib.sha256(content.content).hexdigest() == kept["sha256"]
        assert content.content == sent[1]
        assert content.headers["x-content-type-options"] == "nosniff"
        assert content.headers["content-disposition"].startswith("attachment; filename=")


def test_bytes_stored_but_never_committed_are_swept_at_the_next_start(tmp_path) -> None:
    """The process dies after moving the bytes into place and before the row commits: the
    database is held locked so the commit waits, and the server is killed meanwhile."""
    env = {"FILE_ORPHAN_GRACE_SECONDS": "1"}
    with live_server(tmp_path, env=env) as first:
        headers = signed_in(first.base_url, "crash@example.com")
        kept = upload(first.base_url, headers, ("kept.txt", b"committed", "text/plain"))
        assert kept.status_code == 201
        [kept_path] = stored(tmp_path)
        blocker = sqlite3.connect(tmp_path / "live.db", timeout=10)
        blocker.execute("BEGIN IMMEDIATE")  # readers go on; the upload's commit must wait
        try:
            conn = start_upload(first, headers, declared=MiB)
            conn.sendall(os.urandom(MiB) + b"\r\n--b--\r\n")
            assert eventually(
                lambda: len([p for p in stored(tmp_path) if not p.name.startswith(".")]) == 2
            ), "the bytes were never moved into place"
            first.process.kill()
            first.process.wait()
            conn.close()
        finally:
            blocker.rollback()
            blocker.close()
    assert len(stored(tmp_path)) == 2  # the orphan is still there after the crash
    time.sleep(1.2)  # past the grace
    with live_server(tmp_path, env=env) as second:
        assert eventually(lambda: stored(tmp_path) == [kept_path]), stored(tmp_path)
        headers = {"Authorization": signed_in_again(second.base_url, "crash@example.com")}
        assert total(second.base_url, headers) == 1


def signed_in_again(base_url: str, email: str) -> str:
    form = {"username": email, "password": PASSWORD}
    response = httpx.post(f"{base_url}/api/v1/auth/login", data=form, timeout=10)
    response.raise_for_status()
    return f"Bearer {response.json()['access_token']}"
