"""The composition root: which adapter plays which port, decided by settings alone."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from adapters.asyncpg.principals import AsyncpgPrincipalLookup
from adapters.clock import SystemClock
from adapters.memory.database_probe import InMemoryDatabaseProbe
from adapters.memory.files import InMemoryFileStorage
from adapters.memory.principals import InMemoryPrincipalLookup
from adapters.memory.rate_limiter import InMemoryRateLimiter
from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.argon2 import Argon2PasswordHasher
from adapters.security.jwt import PyJwtTokenService
from adapters.security.signing import HmacSigner
from adapters.sqlalchemy.database_probe import SqlAlchemyDatabaseProbe
from adapters.sqlalchemy.engine import build_engine
from adapters.sqlalchemy.principals import SqlAlchemyPrincipalLookup
from adapters.sqlalchemy.rate_limiter import SqlAlchemyRateLimiter
from adapters.sqlalchemy.unit_of_work import SqlAlchemyUnitOfWork
from adapters.storage.local import LocalFileStorage
from application.auth import Authenticate, LogIn, LogOut, RefreshTokens
from application.email_delivery import DeliverDueEmails
from application.health import CheckReadiness
from application.pagination import Paginator
from application.password_reset import RequestPasswordReset, ResetPassword
from application.profiles import GetAvatar, GetProfile, SetAvatar, UpdateProfile
from application.registration import EnsureSuperuser, RegisterUser
from application.user_admin import CreateUser, GetUser, ListUsers
from application.user_changes import ChangePassword, UpdateUser
from application.user_deletion import DeleteUser
from domain.throttling import ThrottlePolicy
from entrypoints.email_backends import build_email_sender
from entrypoints.email_worker import EmailDeliveryLoop, Wakeup
from entrypoints.secrets import resolve_secret_key
from entrypoints.settings import Settings


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    storage = providers.Callable(lambda s: s.storage, settings)
    database_kind = providers.Callable(lambda s: s.database_kind, settings)

    clock = providers.Singleton(SystemClock)
    secret_key = providers.Singleton(resolve_secret_key, settings)
    hasher = providers.Singleton(
        Argon2PasswordHasher, max_workers=settings.provided.password_hash_workers
    )
    tokens = providers.Singleton(
        PyJwtTokenService,
        secret_key=secret_key,
        algorithm=settings.provided.jwt_algorithm,
        access_ttl=providers.Callable(
            lambda m: timedelta(minutes=m), settings.provided.access_token_expire_minutes
        ),
        refresh_ttl=providers.Callable(
            lambda d: timedelta(days=d), settings.provided.refresh_token_expire_days
        ),
        clock=clock,
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
    email_wakeup = providers.Singleton(Wakeup)

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
            pool_size=settings.provided.db_pool_size,
            timeout=settings.provided.db_timeout_seconds,
        ),
    )

    # Login throttling is shared through the database by every worker and host.
    login_throttle = providers.Singleton(
        ThrottlePolicy,
        max_failures=settings.provided.login_max_failures,
        window=providers.Callable(
            lambda s: timedelta(seconds=s), settings.provided.login_lockout_seconds
        ),
    )
    login_limiter = providers.Selector(
        storage,
        memory=providers.Singleton(InMemoryRateLimiter, login_throttle, clock),
        sqlalchemy=providers.Singleton(SqlAlchemyRateLimiter, engine, login_throttle, clock),
    )
    database_probe = providers.Selector(
        storage,
        memory=providers.Singleton(InMemoryDatabaseProbe),
        sqlalchemy=providers.Singleton(SqlAlchemyDatabaseProbe, engine),
    )
    check_readiness = providers.Factory(CheckReadiness, database=database_probe)

    register_user = providers.Factory(RegisterUser, uow=uow.provider, hasher=hasher, clock=clock)
    ensure_superuser = providers.Factory(EnsureSuperuser, register=register_user, uow=uow.provider)
    log_in = providers.Factory(
        LogIn, uow=uow.provider, hasher=hasher, tokens=tokens, clock=clock, limiter=login_limiter
    )
    refresh_tokens = providers.Factory(RefreshTokens, uow=uow.provider, tokens=tokens, clock=clock)
    log_out = providers.Factory(LogOut, uow=uow.provider, tokens=tokens, clock=clock)

    request_password_reset = providers.Factory(
        RequestPasswordReset,
        uow=uow.provider,
        clock=clock,
        frontend_url=settings.provided.frontend_url,
        ttl=providers.Callable(
            lambda m: timedelta(minutes=m), settings.provided.reset_token_expire_minutes
        ),
    )
    reset_password = providers.Factory(ResetPassword, uow=uow.provider, hasher=hasher, clock=clock)
    email_sender = providers.Singleton(build_email_sender, settings)
    deliver_due_emails = providers.Factory(
        DeliverDueEmails, uow=uow.provider, sender=email_sender, clock=clock
    )
    email_delivery_loop = providers.Singleton(
        EmailDeliveryLoop, deliver=deliver_due_emails, wakeup=email_wakeup
    )
    authenticate = providers.Singleton(Authenticate, tokens=tokens, principals=principals)

    # User administration and profiles.
    file_storage = providers.Selector(
        storage,
        memory=providers.Singleton(InMemoryFileStorage),
        sqlalchemy=providers.Singleton(LocalFileStorage, settings.provided.upload_dir),
    )
    paginator = providers.Singleton(
        Paginator,
        signer=providers.Singleton(
            HmacSigner,
            secret_key=secret_key,
            purpose="pagination cursor",
        ),
    )
    get_user = providers.Factory(GetUser, uow=uow.provider)
    list_users = providers.Factory(ListUsers, uow=uow.provider, paginator=paginator)
    create_user = providers.Factory(CreateUser, register=register_user)
    update_user = providers.Factory(UpdateUser, uow=uow.provider, hasher=hasher, clock=clock)
    change_password = providers.Factory(
        ChangePassword, uow=uow.provider, hasher=hasher, clock=clock
    )
    delete_user = providers.Factory(DeleteUser, uow=uow.provider, files=file_storage)
    get_profile = providers.Factory(GetProfile, uow=uow.provider)
    update_profile = providers.Factory(UpdateProfile, uow=uow.provider, clock=clock)
    set_avatar = providers.Factory(SetAvatar, uow=uow.provider, files=file_storage, clock=clock)
    get_avatar = providers.Factory(GetAvatar, uow=uow.provider, files=file_storage)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)


async def close_container(container: Container) -> None:
    """Release pools and threads; safe to call whatever was used."""
    if container.settings().storage == "sqlalchemy":
        await container.engine().dispose()
    principals = container.principals()
    if isinstance(principals, AsyncpgPrincipalLookup):
        await principals.close()
    container.hasher().close()
