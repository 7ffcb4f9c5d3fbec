"""Memory and throughput of file uploads and downloads on the real `hexapi serve`.

`python -m bench.uploads [--s3]`: the server's peak RSS (VmHWM, the worker and its parent)
before and after one 10 MiB upload and ten at once (each on a fresh server), and upload and
download throughput over loopback (MiB/s, twenty 10 MiB files one after the other). With
`--s3` the bytes go to a moto server in this process instead of local disk.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.support.api import PASSWORD
from tests.support.live_server import LiveServer, live_server

MiB = 1024 * 1024
SIZE = 10 * MiB


def peak_rss_mib(server: LiveServer) -> float:
    """The largest peak resident set of the server's processes (uvicorn may fork)."""
    pids = [server.process.pid]
    with contextlib.suppress(FileNotFoundError):
        children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
        pids += [int(p) for p in children.read_text().split()]
    peaks = []
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def sign_in(base_url: str) -> dict[str, str]:
    email = f"bench{time.monotonic_ns()}@example.com"
    body = {"email": email, "name": "Bench", "password": PASSWORD}
    httpx.post(f"{base_url}/api/v1/auth/register", json=body, timeout=10).raise_for_status()
    form = {"username": email, "password": PASSWORD}
    token = httpx.post(f"{base_url}/api/v1/auth/login", data=form, timeout=10).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


async def upload(client: httpx.AsyncClient, headers: dict[str, str], content: bytes) -> dict:
    response = await client.post(
        "/api/v1/files", headers=headers, files=[("files", ("f.bin", content, ""))]
    )
    response.raise_for_status()
    [file] = response.json()
    return file


async def concurrent_uploads(server: LiveServer, count: int) -> float:
    headers = sign_in(server.base_url)
    contents = [os.urandom(SIZE) for _ in range(count)]
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
        await upload(client, headers, b"warm-up")  # the first request's imports and pools
        before = peak_rss_mib(server)
        files = await asyncio.gather(*(upload(client, headers, c) for c in contents))
    for file, content in zip(files, contents, strict=True):
        assert file["sha256"] == hashlib.sha256(content).hexdigest()
    after = peak_rss_mib(server)
    print(f"  {count:2d} x 10 MiB at once: peak RSS {before:.1f} -> {after:.1f} MiB")
    return after


async def throughput(server: LiveServer, rounds: int = 20) -> None:
    headers = sign_in(server.base_url)
    content = os.urandom(SIZE)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
        await upload(client, headers, b"warm-up")
        started = time.perf_counter()
        files = [await upload(client, headers, content) for _ in range(rounds)]
        up = rounds * SIZE / MiB / (time.perf_counter() - started)
        started = time.perf_counter()
        for file in files:
            digest = hashlib.sha256()
            async with client.stream(
                "GET", f"/api/v1/files/{file['id']}/content", headers=headers
            ) as response:
                async for chunk in response.aiter_raw():
                    digest.update(chunk)
            assert digest.hexdigest() == file["sha256"]
        down = rounds * SIZE / MiB / (time.perf_counter() - started)
    print(f"  upload {up:.0f} MiB/s, download {down:.0f} MiB/s ({rounds} x 10 MiB, one at a time)")


@contextlib.contextmanager
def storage_env(s3: bool) -> Iterator[dict[str, str]]:
    if not s3:
        yield {}
        return
    from tests.support.object_store import running_object_store

    with running_object_store() as store:
        settings = store.settings(store.new_bucket())
        yield {k.upper(): v for k, v in settings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--s3", action="store_true", help="store in a moto S3 server")
    args = parser.parse_args()
    print(f"storage: {'S3 (moto, in this process)' if args.s3 else 'local disk'}")
    with storage_env(args.s3) as env:
        for count in (1, 10):
            with tempfile.TemporaryDirectory() as folder, live_server(Path(folder), env=env) as s:
                asyncio.run(concurrent_uploads(s, count))
        with tempfile.TemporaryDirectory() as folder, live_server(Path(folder), env=env) as s:
            asyncio.run(throughput(s))


if __name__ == "__main__":
    main()
