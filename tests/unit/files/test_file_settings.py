"""The files' settings: defaults, where bytes go, and an object store without a bucket."""

from __future__ import annotations

import pytest

from adapters.memory.files import InMemoryFileStorage
from adapters.storage.local import LocalFileStorage
from adapters.storage.s3 import S3FileStorage
from entrypoints.containers import build_container
from tests.unit.test_settings import clean_environment, load, problems

__all__ = ["clean_environment"]  # the fixture, used here too


def test_the_defaults_are_the_contract_s() -> None:
    settings = load()
    assert settings.max_upload_bytes == 10 * 1024 * 1024
    assert settings.file_link_minutes == 15
    assert (settings.file_storage, settings.file_storage_kind) == ("local", "local")


@pytest.mark.parametrize(
    ("environment", "kind", "adapter"),
    [
        ({}, "local", LocalFileStorage),
        ({"DATABASE_URL": "memory://"}, "memory", InMemoryFileStorage),
        ({"FILE_STORAGE": "s3", "S3_BUCKET": "b"}, "s3", S3FileStorage),
        (
            {"FILE_STORAGE": "s3", "S3_BUCKET": "b", "DATABASE_URL": "memory://"},
            "s3",
            S3FileStorage,
        ),
    ],
)
def test_file_storage_picks_the_adapter_for_files_and_avatars(environment, kind, adapter) -> None:
    settings = load(**environment)
    assert settings.file_storage_kind == kind
    assert isinstance(build_container(settings).core.file_storage(), adapter)


def test_an_object_store_without_a_bucket_stops_start_up_in_one_line() -> None:
    assert problems(FILE_STORAGE="s3") == [
        "invalid settings: S3_BUCKET must be set when FILE_STORAGE=s3"
    ]
    assert problems(FILE_STORAGE="ftp")[0].startswith("invalid setting FILE_STORAGE:")
    assert problems(FILE_LINK_MINUTES="0")[0].startswith("invalid setting FILE_LINK_MINUTES:")
