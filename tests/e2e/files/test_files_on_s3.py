"""Files and avatars in an S3-compatible object store, end to end: the real `hexapi serve`
pointed at the moto server the tests start. Large files go up as multipart uploads, the
bytes round-trip by sha256, deletions remove the objects, an aborted upload leaves neither
an object nor an incomplete multipart upload, and the start-up sweep removes orphans."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.files.test_files_live import eventually, signed_in, start_upload, upload
from tests.support.images import PNG
from tests.support.live_server import live_server
from tests.support.object_store import ObjectStore

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(240)]
MiB = 1024 * 1024


def test_files_and_avatars_live_in_the_bucket(tmp_path: Path, object_store: ObjectStore) -> None:
    bucket = object_store.new_bucket()
    orphan = "app/files/" + "0" * 32
    object_store.client().put_object(Bucket=bucket, Key=orphan, Body=b"left by a crash")
    time.sleep(1.2)  # older than the grace below
    env = {
        **{k.upper(): v for k, v in object_store.settings(bucket, prefix="app/").items()},
        "FILE_ORPHAN_GRACE_SECONDS": "1",
    }
    with live_server(tmp_path, env=env) as server:
        assert eventually(lambda: object_store.keys(bucket) == []), object_store.keys(bucket)
        headers = signed_in(server.base_url, "s3@example.com")
        large, small = os.urandom(9 * MiB), b"small file"
        response = upload(
            server.base_url, headers, ("large.bin", large, ""), ("small.txt", small, "text/plain")
        )
        assert response.status_code == 201, response.text
        large_file, small_file = response.json()
        assert len(object_store.keys(bucket)) == 2
        assert all(key.startswith("app/files/") for key in object_store.keys(bucket))
        for file, content in ((large_file, large), (small_file, small)):
            got = httpx.get(
                f"{server.base_url}/api/v1/files/{file['id']}/content", headers=headers, timeout=60
            )
            assert got.status_code == 200
            assert hashlib.sha256(got.content).hexdigest() == file["sha256"]
            assert got.content == content
            assert got.headers["content-length"] == str(len(content))
        assert not (tmp_path / "uploads" / "files").exists()  # nothing on local disk

        avatar = httpx.put(
            f"{server.base_url}/api/v1/users/me/avatar",
            headers=headers,
            files={"file": ("a.png", PNG, "image/png")},
            timeout=10,
        )
        assert avatar.status_code == 200, avatar.text
        assert any(key.startswith("app/avatars/") for key in object_store.keys(bucket))
        image = httpx.get(server.base_url + avatar.json()["avatar_url"], timeout=10)
        assert image.content == PNG

        deleted = httpx.delete(
            f"{server.base_url}/api/v1/files/{large_file['id']}", headers=headers, timeout=10
        )
        assert deleted.status_code == 204
        assert len([k for k in object_store.keys(bucket) if k.startswith("app/files/")]) == 1

        # A client that goes away in the middle of a multipart upload leaves nothing.
        conn = start_upload(server, headers, declared=12 * MiB)
        for _ in range(160):  # 10 MiB: past the first 8 MiB part
            conn.sendall(os.urandom(64 * 1024))
        assert eventually(lambda: object_store.multipart_uploads(bucket) != [])
        conn.close()
        assert eventually(lambda: object_store.multipart_uploads(bucket) == [])
        assert len([k for k in object_store.keys(bucket) if k.startswith("app/files/")]) == 1

        gone = httpx.delete(f"{server.base_url}/api/v1/users/me", headers=headers, timeout=10)
        assert gone.status_code == 204, gone.text
        assert eventually(lambda: object_store.keys(bucket) == []), object_store.keys(bucket)
