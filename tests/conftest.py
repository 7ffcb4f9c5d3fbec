"""Shared fixtures: databases on every backend, and the app behind an httpx client."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.security.argon2 import Argon2PasswordHasher
from adapters.sqlalchemy.engine import build_engine
from entrypoints.containers import Container, build_container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.support.databases import (
    migrated_sqlite_template,
    reset_postgres,
    sqlite_copy,
    truncate_all,
)
from tests.support.object_store import ObjectStore, running_object_store
from tests.support.postgres import start_cluster_or_skip

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
BACKENDS = ["memory", "sqlite", "postgres"]
SQL_BACKENDS = ["sqlite", "postgres"]


def cheap_hasher() -> Argon2PasswordHasher:
    """Real argon2id with tiny parameters, so tests that register many users stay fast."""
    return Argon2PasswordHasher(memory_cost=1024, time_cost=1, parallelism=1)


# --- PostgreSQL ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """TEST_DATABASE_URL when set; otherwise a throwaway cluster started for this run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        asyncio.run(reset_postgres(url))
        yield url
        return
    cluster = start_cluster_or_skip()
    try:
        asyncio.run(reset_postgres(cluster.url))
        yield cluster.url
    finally:
        cluster.destroy()


@pytest.fixture
async def postgres_url(postgres_server_url: str) -> str:
    """The test database, emptied (schema kept) before each test."""
    engine = build_engine(postgres_server_url)
    try:
        await truncate_all(engine)
    finally:
        await engine.dispose()
    return postgres_server_url


# --- SQLite --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return asyncio.run(migrated_sqlite_template(tmp_path_factory.mktemp("sqlite-template")))


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return sqlite_copy(sqlite_template, tmp_path / "hexapi.db")


# --- Any backend ---------------------------------------------------------------------------


@pytest.fixture
def database_url_for(request: pytest.FixtureRequest) -> Callable[[str], str]:
    def url(backend: str) -> str:
        if backend == "memory":
            return "memory://"
        return request.getfixturevalue(f"{backend}_url")

    return url


@pytest.fixture(params=SQL_BACKENDS)
def sql_database_url(request: pytest.FixtureRequest, database_url_for) -> str:
    return database_url_for(request.param)


@pytest.fixture
async def engine_for() -> AsyncIterator[Callable[[str], AsyncEngine]]:
    engines: list[AsyncEngine] = []

    def make(url: str) -> AsyncEngine:
        engines.append(build_engine(url))
        return engines[-1]

    yield make
    for engine in engines:
        await engine.dispose()


def settings_for(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": database_url,
        "secret_key": TEST_SECRET,
        "data_dir": tmp_path,
        "upload_dir": tmp_path / "uploads",
    }
    values.update(overrides)
    known = {k: v for k, v in values.items() if k in Settings.model_fields}
    return Settings(_env_file=None, **known)  # type: ignore[call-arg]


# --- The app -------------------------------------------------------------------------------

ClientFactory = Callable[..., Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[ClientFactory]:
    """Build an app on `database_url` (settings overridable) and return a client to it.

    The app's lifespan runs, as under a real server; `client.container` is its container.
    """
    async with AsyncExitStack() as stack:

        async def make(database_url: str, **overrides: Any) -> httpx.AsyncClient:
            settings = settings_for(database_url, tmp_path, **overrides)
            container: Container = build_container(settings)
            container.core.hasher.override(providers.Singleton(cheap_hasher))
            app = create_app(container=container)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://testserver"
            )
            await stack.enter_async_context(client)
            client.app = app  # type: ignore[attr-defined]
            client.container = container  # type: ignore[attr-defined]
            return client

        yield make


@pytest.fixture
async def client(make_client: ClientFactory, sqlite_url: str) -> httpx.AsyncClient:
    return await make_client(sqlite_url)


# --- Object store --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def object_store() -> Iterator[ObjectStore]:
    """A real S3-compatible server (moto's server mode) for the whole run."""
    with running_object_store() as store:
        yield store
