"""Accounts and authentication: registration, login and its throttling, tokens, password
reset, and recognising the caller of a request."""

from __future__ import annotations

from datetime import timedelta

from dependency_injector import containers, providers

from application.auth.login import LogIn
from application.auth.password_reset import RequestPasswordReset, ResetPassword
from application.auth.registration import EnsureSuperuser, RegisterUser
from application.auth.sessions import Authenticate, LogOut, RefreshTokens
from application.auth.throttle import LoginLimiter
from application.ports import Clock
from domain import throttling
from domain.throttling import ThrottlePolicy


def _login_limiter(policy: ThrottlePolicy, clock: Clock, *, keep: timedelta) -> LoginLimiter:
    return LoginLimiter(policy, clock, keep=keep)


class AuthContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()
    settings = core.settings

    # Login throttling is shared through the storage by every worker and host.
    login_throttle = providers.Singleton(
        ThrottlePolicy,
        max_failures=settings.provided.login_max_failures,
        window=providers.Callable(
            lambda s: timedelta(seconds=s), settings.provided.login_lockout_seconds
        ),
    )
    # And per client address, in the same table: rows are kept for the longer window. (A
    # Callable: only one provider may build a class the routes can ask for.)
    client_throttle = providers.Callable(
        throttling.client_throttle, settings.provided.login_client_max_failures
    )
    failures_kept = providers.Callable(
        lambda *policies: max(p.window for p in policies), login_throttle, client_throttle
    )
    # One limiter per key space and process (its queues and remembered refusals outlive a
    # request); the counts are rows of the login's own unit of work, on either storage.
    # (Built by a function: only one provider may build a class the routes can ask for.)
    login_limiter = providers.Singleton(
        _login_limiter, login_throttle, core.clock, keep=failures_kept
    )
    client_limiter = providers.Singleton(
        _login_limiter, client_throttle, core.clock, keep=failures_kept
    )

    register_user = providers.Factory(
        RegisterUser, uow=core.uow.provider, hasher=core.hasher, clock=core.clock
    )
    ensure_superuser = providers.Factory(
        EnsureSuperuser, register=register_user, uow=core.uow.provider
    )
    log_in = providers.Factory(
        LogIn,
        uow=core.uow.provider,
        hasher=core.hasher,
        tokens=core.tokens,
        clock=core.clock,
        limiter=login_limiter,
        client_limiter=client_limiter,
    )
    refresh_tokens = providers.Factory(
        RefreshTokens,
        uow=core.uow.provider,
        tokens=core.tokens,
        clock=core.clock,
        max_lifetime=providers.Factory(
            lambda d: timedelta(days=d), core.settings.provided.session_max_days
        ),
    )
    log_out = providers.Factory(LogOut, uow=core.uow.provider, tokens=core.tokens, clock=core.clock)
    authenticate = providers.Singleton(Authenticate, tokens=core.tokens, principals=core.principals)

    request_password_reset = providers.Factory(
        RequestPasswordReset,
        uow=core.uow.provider,
        clock=core.clock,
        frontend_url=settings.provided.frontend_url,
        ttl=providers.Callable(
            lambda m: timedelta(minutes=m), settings.provided.reset_token_expire_minutes
        ),
        # Well above either path's work, even on a busy host (a few ms when idle).
        min_duration=timedelta(milliseconds=100),
    )
    reset_password = providers.Factory(
        ResetPassword, uow=core.uow.provider, hasher=core.hasher, clock=core.clock
    )
