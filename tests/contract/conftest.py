"""Every port's contract runs on every backend: memory, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.contract.backends import Backend, open_backend
from tests.support.clock import FakeClock

STORAGE_KINDS = ["memory", "sqlite", "postgres"]
# The per-request session check has a second PostgreSQL adapter (raw asyncpg).
PRINCIPAL_KINDS = [*STORAGE_KINDS, "postgres-asyncpg"]


# The database URL is resolved in a plain fixture: the PostgreSQL one is itself async.
@pytest.fixture(params=STORAGE_KINDS)
def storage(request: pytest.FixtureRequest, database_url_for) -> tuple[str, str]:
    return request.param, database_url_for(request.param)


@pytest.fixture(params=PRINCIPAL_KINDS)
def principal_storage(request: pytest.FixtureRequest, database_url_for) -> tuple[str, str]:
    return request.param, database_url_for(request.param.removesuffix("-asyncpg"))


@pytest.fixture
async def backend(storage: tuple[str, str]) -> AsyncIterator[Backend]:
    async with open_backend(*storage, FakeClock()) as opened:
        yield opened


@pytest.fixture
async def principal_backend(principal_storage: tuple[str, str]) -> AsyncIterator[Backend]:
    async with open_backend(*principal_storage, FakeClock()) as opened:
        yield opened
