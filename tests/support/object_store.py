"""A real S3-compatible server for the object-store tests: moto's server mode, in a thread."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer

from adapters.storage.s3 import S3Location
from tests.support.postgres import free_port

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "us-east-1"


@dataclass(frozen=True)
class ObjectStore:
    endpoint_url: str

    def new_bucket(self) -> str:
        """A fresh, empty bucket: every test gets its own."""
        name = f"hexapi-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name)
        return name

    def location(self, bucket: str | None = None, prefix: str = "") -> S3Location:
        return S3Location(
            bucket=bucket or self.new_bucket(),
            endpoint_url=self.endpoint_url,
            region=REGION,
            access_key_id=ACCESS_KEY,
            secret_access_key=SECRET_KEY,
            prefix=prefix,
        )

    def settings(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The environment that points the application at `bucket`."""
        return {
            "file_storage": "s3",
            "s3_endpoint_url": self.endpoint_url,
            "s3_bucket": bucket,
            "s3_region": REGION,
            "s3_access_key_id": ACCESS_KEY,
            "s3_secret_access_key": SECRET_KEY,
            "s3_prefix": prefix,
        }

    def client(self):  # type: ignore[no-untyped-def]
        """A synchronous client, for looking at the bucket from the outside."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", ()))

    def multipart_uploads(self, bucket: str) -> list[str]:
        listed = self.client().list_multipart_uploads(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Uploads", ()))


@contextlib.contextmanager
def running_object_store() -> Iterator[ObjectStore]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield ObjectStore(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
