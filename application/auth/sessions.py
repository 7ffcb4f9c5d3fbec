"""What happens to a login session after the login: refreshing its tokens, logging out,
and recognising the caller of a request by it."""

from __future__ import annotations

from datetime import timedelta

from application.ports import (
    Clock,
    PrincipalLookup,
    TokenService,
    UnitOfWorkFactory,
)
from domain.errors import InvalidToken
from domain.sessions import grants_access
from domain.tokens import TokenPair, TokenType
from domain.users import User


class RefreshTokens:
    """Spend a refresh token for a new pair (rotation).

    The session slides: it now lasts as long as the new refresh token, so a client that keeps
    refreshing stays logged in, and one idle for the refresh lifetime is logged out; but no
    session outlives `max_lifetime` after its login, however often it is refreshed.
    A refresh token that was already spent is treated as stolen: the whole login session is
    revoked, so the thief and the victim both have to log in again. There is no grace period
    for a refresh token just rotated: two refreshes of one token at once are indistinguishable
    from a theft, so a client must not send them (one refresh at a time per session).
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        tokens: TokenService,
        clock: Clock,
        max_lifetime: timedelta,
    ) -> None:
        self._uow, self._tokens, self._clock = uow, tokens, clock
        self._max_lifetime = max_lifetime

    async def __call__(self, refresh_token: str) -> TokenPair:
        claims = self._tokens.decode(refresh_token, TokenType.REFRESH)
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.sessions.get(claims.session_id)
            user = await uow.users.get(claims.user_id)
            if session is None or user is None or not grants_access(session, user, now):
                raise InvalidToken()
            pair = self._tokens.issue_pair(user.id, session.id)
            spent = session.refresh_token_id != claims.token_id or not await uow.sessions.rotate(
                session.id,
                claims.token_id,
                pair.refresh_token_id,
                session.expiry_after_refresh(pair.refresh_expires_at, self._max_lifetime),
            )
            if spent:
                await uow.sessions.revoke(session.id, now)
                await uow.commit()
                raise InvalidToken("This refresh token was already used; the session is revoked.")
            await uow.commit()
        return pair


class LogOut:
    """Revoke the login session of a refresh token: its refresh and access tokens die.

    Idempotent: a spent, revoked or expired (but genuine) refresh token also ends its session.
    """

    def __init__(self, uow: UnitOfWorkFactory, tokens: TokenService, clock: Clock) -> None:
        self._uow, self._tokens, self._clock = uow, tokens, clock

    async def __call__(self, refresh_token: str) -> None:
        claims = self._tokens.decode(refresh_token, TokenType.REFRESH, allow_expired=True)
        async with self._uow() as uow:
            session = await uow.sessions.get(claims.session_id)
            if session is not None and session.user_id == claims.user_id:
                await uow.sessions.revoke(session.id, self._clock.now())
                await uow.commit()


class Authenticate:
    """Recognise the caller from an access token: a live session of an active user."""

    def __init__(self, tokens: TokenService, principals: PrincipalLookup) -> None:
        self._tokens, self._principals = tokens, principals

    async def __call__(self, access_token: str) -> User:
        claims = self._tokens.decode(access_token, TokenType.ACCESS)
        user = await self._principals.find(claims.user_id, claims.session_id)
        if user is None:
            raise InvalidToken()
        return user
