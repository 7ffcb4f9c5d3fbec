"""Request heads over real sockets: bounded in size (431) and in time (30 s), idle
connections cost bounded memory, and pipelining still works."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from entrypoints.http_protocol import HEAD_TIMEOUT_SECONDS, MAX_HEAD_BYTES
from tests.support.live_server import LiveServer, live_server

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(180)]


def _connect(server: LiveServer) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def _closed(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(65536) == b""
    except BlockingIOError:
        return False
    except ConnectionResetError:
        return True
    finally:
        sock.setblocking(True)


def _rss_kib(server: LiveServer) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))


def test_heads_are_bounded_in_size_and_time(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        # Over the limit: 431 as soon as the limit is passed, long before 64 MiB are sent.
        big = _connect(server)
        big.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ")
        sent = 0
        with pytest.raises(OSError):
            while sent < 64 * 1024 * 1024:
                big.sendall(b"a" * 65536)
                sent += 65536
        assert sent < 4 * 1024 * 1024, sent
        assert _read_all(big).startswith(b"HTTP/1.1 431 ")

        # Just within the limit: served.
        fits = _connect(server)
        filler = b"a" * (MAX_HEAD_BYTES - 200)
        fits.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Fill: " + filler + b"\r\n\r\n")
        assert fits.recv(65536).startswith(b"HTTP/1.1 200 ")

        # Pipelined requests are still answered, in order.
        piped = _connect(server)
        piped.sendall(
            b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 3
            + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert _read_all(piped).count(b"HTTP/1.1 200 ") == 4

        # Many connections that send nothing, a slowloris dribbling its head, and unfinished
        # heads just under the limit: memory stays bounded and all are dropped in time.
        before = _rss_kib(server)
        silent = [_connect(server) for _ in range(300)]
        unfinished = []
        for _ in range(50):
            sock = _connect(server)
            sock.sendall(
                b"GET /health HTTP/1.1\r\nHost: x\r\nX-Fill: " + b"a" * (MAX_HEAD_BYTES - 100)
            )
            unfinished.append(sock)
        slow = _connect(server)
        slow.sendall(b"GET /health HTTP/1.1\r\n")
        started = time.monotonic()
        time.sleep(1)
        held = _rss_kib(server)
        while time.monotonic() - started < HEAD_TIMEOUT_SECONDS + 5 and not _closed(slow):
            slow.send(b"X")  # one byte every second keeps no connection alive
            time.sleep(1)
        dropped_after = time.monotonic() - started
        assert dropped_after < HEAD_TIMEOUT_SECONDS + 5, dropped_after
        time.sleep(1)
        assert all(_closed(sock) for sock in silent + unfinished)
        # 350 connections, 50 of them holding ~16 KiB heads: far below what unbounded heads
        # cost (six 32 MiB heads grew the process by 250 MB).
        assert held - before < 64 * 1024, (before, held)
        # And the server still serves.
        after = _connect(server)
        after.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(after).startswith(b"HTTP/1.1 200 ")
        for sock in [big, fits, piped, slow, after, *silent, *unfinished]:
            sock.close()


def test_reads_past_the_limit_are_parsed_request_by_request(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        # A thousand pipelined requests in one write, far more than the limit in all: each head
        # is counted on its own, so all are answered.
        piped = _connect(server)
        piped.sendall(
            b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n" * 999
            + b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        assert _read_all(piped).count(b"HTTP/1.1 200 ") == 1000

        # A small head and a 64 KiB body in one write: the body is no part of the head.
        body = b'{"email": "' + b"a" * 65536 + b'"}'
        posted = _connect(server)
        posted.sendall(
            b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        assert _read_all(posted).startswith(b"HTTP/1.1 422 ")

        # A head over the limit in one write, with more behind it: refused, nothing served.
        big = _connect(server)
        big.sendall(
            b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
            + b"a" * MAX_HEAD_BYTES
            + b"\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        answer = _read_all(big)
        assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]
        assert b'"code":"request_head_too_large"' in answer
        assert b"HTTP/1.1 200 " not in answer
        for sock in (piped, posted, big):
            sock.close()
