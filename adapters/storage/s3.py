"""File storage in an S3-compatible object store (AWS S3, MinIO, Ceph, R2 …), via aiobotocore.

Several hosts behind one load balancer share one bucket, where a local folder would give
each host its own files. Uploads stream: bytes are buffered up to one part (`part_bytes`,
at least S3's 5 MiB minimum) and sent as a multipart upload, which no reader sees until it
is completed, so memory stays bounded by the part size whatever the file's size; a file
smaller than one part is sent with one PUT when published. Downloads stream the object's
body in chunks.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from application.errors import BackendUnavailable
from application.files import check_file_key
from application.ports import FileStorage
from application.ports.files import PendingWrite, StoredBytes

# aiobotocore and botocore are imported where first used, not here: they are some 20 MiB of
# every worker's memory, and only a service whose FILE_STORAGE is s3 needs them.
if TYPE_CHECKING:
    from botocore.exceptions import ClientError

MIN_PART_BYTES = 5 * 1024 * 1024  # S3's lower bound for every part but the last
DEFAULT_PART_BYTES = 8 * 1024 * 1024
READ_CHUNK_BYTES = 256 * 1024
_MISSING = {"NoSuchKey", "404", "NotFound"}


@dataclass(frozen=True, slots=True, kw_only=True)
class S3Location:
    """Where the objects live. Without keys, the usual AWS credential chain applies
    (environment, shared files, instance or task role)."""

    bucket: str
    endpoint_url: str | None = None
    region: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    prefix: str = ""  # prepended to every key: several deployments can share a bucket


class S3FileStorage(FileStorage):
    """One object per key, named `prefix + key`, in one bucket."""

    def __init__(self, location: S3Location, *, part_bytes: int = DEFAULT_PART_BYTES) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError(f"part_bytes must be at least {MIN_PART_BYTES}")
        self._location, self._part_bytes = location, part_bytes
        self._bucket = location.bucket
        self._prefix = location.prefix
        self._exit_stack: contextlib.AsyncExitStack | None = None
        self._s3: Any = None
        self._lock = asyncio.Lock()

    async def close(self) -> None:
        """Close the client's connections; a later call opens a new client."""
        stack, self._exit_stack, self._s3 = self._exit_stack, None, None
        if stack is not None:
            await stack.aclose()

    async def save(self, key: str, content: bytes) -> None:
        client = await self._client()
        with _unavailable():
            await client.put_object(Bucket=self._bucket, Key=self._name(key), Body=content)

    async def read(self, key: str) -> bytes | None:
        stored = await self.open(key)
        if stored is None:
            return None
        return b"".join([chunk async for chunk in stored.chunks])

    async def delete(self, key: str) -> None:
        client = await self._client()
        with _unavailable():
            await client.delete_object(Bucket=self._bucket, Key=self._name(key))

    async def begin(self, key: str) -> PendingWrite:
        return _S3PendingWrite(
            await self._client(), self._bucket, self._name(key), self._part_bytes
        )

    async def open(self, key: str) -> StoredBytes | None:
        from botocore.exceptions import ClientError

        client = await self._client()
        try:
            with _unavailable():
                response = await client.get_object(Bucket=self._bucket, Key=self._name(key))
        except ClientError as error:
            if _error_code(error) in _MISSING:
                return None
            raise
        return StoredBytes(size=response["ContentLength"], chunks=_body_chunks(response["Body"]))

    async def stored_keys(self, kind: str, *, older_than: datetime) -> AsyncIterator[str]:
        client = await self._client()
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self._bucket, Prefix=self._name(kind) + "/"
        )
        with _unavailable():
            async for page in pages:
                for item in page.get("Contents", ()):
                    if item["LastModified"] < older_than:
                        yield item["Key"][len(self._prefix) :]

    async def remove_abandoned(self, *, older_than: datetime) -> int:
        client = await self._client()
        pages = client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self._bucket, Prefix=self._prefix
        )
        removed = 0
        with _unavailable():
            async for page in pages:
                for upload in page.get("Uploads", ()):
                    if upload["Initiated"] < older_than:
                        await client.abort_multipart_upload(
                            Bucket=self._bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                        )
                        removed += 1
        return removed

    def _name(self, key: str) -> str:
        return self._prefix + check_file_key(key)

    async def _client(self) -> Any:
        # Made on first use, inside the running event loop its connections belong to.
        if self._s3 is None:
            async with self._lock:
                if self._s3 is None:
                    stack = contextlib.AsyncExitStack()
                    self._s3 = await stack.enter_async_context(self._new_client())
                    self._exit_stack = stack
        return self._s3

    def _new_client(self) -> Any:
        from aiobotocore.config import AioConfig
        from aiobotocore.session import get_session

        location = self._location
        config = AioConfig(
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3, "mode": "standard"},
            max_pool_connections=50,
            # Path-style URLs work with every S3-compatible server; checksums only where the
            # API requires them, which every such server understands.
            s3={"addressing_style": "path" if location.endpoint_url else "auto"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        return get_session().create_client(
            "s3",
            endpoint_url=location.endpoint_url,
            region_name=location.region,
            aws_access_key_id=location.access_key_id,
            aws_secret_access_key=location.secret_access_key,
            config=config,
        )


class _S3PendingWrite(PendingWrite):
    def __init__(self, client: Any, bucket: str, name: str, part_bytes: int) -> None:
        self._s3, self._bucket, self._name, self._part_bytes = client, bucket, name, part_bytes
        self._buffer = bytearray()
        self._upload_id: str | None = None
        self._parts: list[dict[str, Any]] = []
        self._published = self._finished = False

    async def write(self, chunk: bytes) -> None:
        if self._finished:
            raise RuntimeError("this write is already finished")
        self._buffer += chunk
        while len(self._buffer) >= self._part_bytes:
            # One copy of the part, not two (a bytearray slice, then bytes of it): with ten
            # uploads at once each copy is ten parts of memory.
            with memoryview(self._buffer) as view:
                part = bytes(view[: self._part_bytes])
            del self._buffer[: self._part_bytes]
            await self._send_part(part)

    async def publish(self) -> None:
        if self._finished:
            raise RuntimeError("this write is already finished")
        self._finished = True
        data, self._buffer = bytes(self._buffer), bytearray()
        with _unavailable():
            if self._upload_id is None:
                await self._s3.put_object(Bucket=self._bucket, Key=self._name, Body=data)
            else:
                if data:
                    await self._send_part(data)
                await self._s3.complete_multipart_upload(
                    Bucket=self._bucket,
                    Key=self._name,
                    UploadId=self._upload_id,
                    MultipartUpload={"Parts": self._parts},
                )
        self._published = True

    async def discard(self) -> None:
        self._finished = True
        self._buffer = bytearray()
        with _unavailable():
            if self._published:
                await self._s3.delete_object(Bucket=self._bucket, Key=self._name)
                self._published = False
            elif self._upload_id is not None:
                upload_id, self._upload_id = self._upload_id, None
                await self._s3.abort_multipart_upload(
                    Bucket=self._bucket, Key=self._name, UploadId=upload_id
                )

    async def _send_part(self, data: bytes) -> None:
        with _unavailable():
            if self._upload_id is None:
                created = await self._s3.create_multipart_upload(
                    Bucket=self._bucket, Key=self._name
                )
                self._upload_id = created["UploadId"]
            number = len(self._parts) + 1
            sent = await self._s3.upload_part(
                Bucket=self._bucket,
                Key=self._name,
                UploadId=self._upload_id,
                PartNumber=number,
                Body=data,
            )
        self._parts.append({"ETag": sent["ETag"], "PartNumber": number})


async def _body_chunks(body: Any) -> AsyncIterator[bytes]:
    try:
        with _unavailable():
            async for chunk in body.iter_chunks(READ_CHUNK_BYTES):
                yield chunk
    finally:
        body.close()


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _unavailable() -> Any:
    """The object store not answering (or answering 5xx) is an outage, not a bug: 503."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500:
            raise BackendUnavailable("The file store is unavailable.") from error
        raise
    except (BotoCoreError, OSError, TimeoutError) as error:
        raise BackendUnavailable("The file store is unavailable.") from error
