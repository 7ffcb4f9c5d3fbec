"""What every resource shares: settings, clock, keys, hashing, tokens, the database and its
units of work, file storage. Resources' containers take this one as their `core`."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from adapters.asyncpg.principals import AsyncpgPrincipalLookup
from adapters.clock import SystemClock
from adapters.memory.files import InMemoryFileStorage
from adapters.memory.principals import InMemoryPrincipalLookup
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.security.jwt import PyJwtTokenService
from adapters.security.signing import HmacSigner
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.principals import SqlAlchemyPrincipalLookup
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.storage.local import LocalFileStorage
from adapters.storage.s3 import S3FileStorage, S3Location
from application.pagination import Paginator
from entrypoints.email_worker import Wakeup
from entrypoints.secrets import resolve_secret_key
from entrypoints.settings import Settings


class CoreContainer(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    storage = providers.Callable(lambda s: s.storage, settings)
    database_kind = providers.Callable(lambda s: s.database_kind, settings)

    clock = providers.Singleton(SystemClock)
    secret_key = providers.Singleton(resolve_secret_key, settings)
    # Keys of before a rotation: accepted when verifying tokens, cursors and signed links.
    # A resource's signer takes both: HmacSigner(secret_key=core.secret_key,
    # previous_keys=core.previous_secret_keys, purpose=...).
    previous_secret_keys = providers.Callable(lambda s: tuple(s.previous_secret_keys), settings)
    hasher = providers.Singleton(
        Argon2PasswordHasher, max_workers=settings.provided.password_hash_workers
    )
    tokens = providers.Singleton(
        PyJwtTokenService,
        secret_key=secret_key,
        previous_keys=previous_secret_keys,
        algorithm=settings.provided.jwt_algorithm,
        access_ttl=providers.Callable(
            lambda m: timedelta(minutes=m), settings.provided.access_token_expire_minutes
        ),
        refresh_ttl=providers.Callable(
            lambda d: timedelta(days=d), settings.provided.refresh_token_expire_days
        ),
        clock=clock,
    )
    paginator = providers.Singleton(
        Paginator,
        signer=providers.Singleton(
            HmacSigner,
            secret_key=secret_key,
            previous_keys=previous_secret_keys,
            purpose="pagination cursor",
        ),
    )

    engine = providers.Singleton(
        build_engine,
        settings.provided.database_url,
        pool_size=settings.provided.db_pool_size,
        max_overflow=settings.provided.db_max_overflow,
        pool_timeout=settings.provided.db_timeout_seconds,
        statement_timeout=settings.provided.db_timeout_seconds,
    )
    memory_store = providers.Singleton(InMemoryStore)
    # Rung by a unit of work that committed e-mail, so this process's delivery loop wakes.
    email_wakeup = providers.Singleton(Wakeup)

    # Use cases take `uow.provider`: a factory they call once per transaction.
    uow = providers.Selector(
        storage,
        memory=providers.Factory(
            InMemoryUnitOfWork, memory_store, clock, email_wakeup.provided.ring
        ),
        sqlalchemy=providers.Factory(
            SqlAlchemyUnitOfWork, engine, clock, email_wakeup.provided.ring
        ),
    )
    # The hottest read has its own asyncpg adapter on PostgreSQL (measured: bench/users_me.py).
    principals = providers.Selector(
        database_kind,
        memory=providers.Singleton(InMemoryPrincipalLookup, memory_store, clock),
        sqlite=providers.Singleton(SqlAlchemyPrincipalLookup, engine, clock),
        postgresql=providers.Singleton(
            AsyncpgPrincipalLookup,
            settings.provided.database_url,
            clock,
            # As far as the main pool can grow: with fewer connections than requests in
            # flight, the wait for one made p99 3.5x p50 under 32 connections, 1.7x without.
            pool_size=settings.provided.db_max_connections,
            timeout=settings.provided.db_timeout_seconds,
        ),
    )
    file_storage = providers.Selector(
        providers.Callable(lambda s: s.file_storage_kind, settings),
        memory=providers.Singleton(InMemoryFileStorage),
        local=providers.Singleton(LocalFileStorage, settings.provided.upload_dir),
        s3=providers.Singleton(
            S3FileStorage,
            providers.Factory(
                S3Location,
                bucket=settings.provided.s3_bucket,
                endpoint_url=settings.provided.s3_endpoint_url,
                region=settings.provided.s3_region,
                access_key_id=settings.provided.s3_access_key_id,
                secret_access_key=settings.provided.s3_secret_access_key,
                prefix=settings.provided.s3_prefix,
            ),
        ),
    )
