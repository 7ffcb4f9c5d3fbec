"""Logging in: checking a password, throttled per e-mail, and opening a login session."""

from __future__ import annotations

import uuid

from application.ports import (
    Clock,
    PasswordHasher,
    RateLimiter,
    TokenService,
    UnitOfWorkFactory,
)
from domain.emails import normalize_email
from domain.errors import InactiveUser, InvalidCredentials, PolicyViolation
from domain.sessions import LoginSession
from domain.tokens import TokenPair
from domain.users import User


class LogIn:
    """Check an e-mail and password and open a new login session with a pair of tokens.

    An unknown e-mail costs one password verification too, so timing does not tell which
    accounts exist; a correct password for an inactive account is refused only afterwards.

    Failures are counted per e-mail (known or not) over a sliding window of
    `LOGIN_LOCKOUT_SECONDS`: while `LOGIN_MAX_FAILURES` or more lie in it, every attempt for
    that e-mail, even with the right password, is 429 with `Retry-After` and is not counted.
    A successful login clears the count. A correct password for an inactive account is
    neither: it is not counted and clears nothing.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        clock: Clock,
        limiter: RateLimiter,
    ) -> None:
        self._uow, self._hasher, self._tokens, self._clock = uow, hasher, tokens, clock
        self._limiter = limiter

    async def __call__(self, email: str, password: str) -> TokenPair:
        submitted = email
        try:
            email = normalize_email(email)
        except PolicyViolation:
            email = ""
        # Admitted before the password is checked, and counted as a failure unless it turns
        # out otherwise, so parallel guesses cannot slip past the limit (RateLimited here).
        key = email or submitted.strip().lower()
        attempt = await self._limiter.admit(key)
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get_by_email(email) if email else None
        hashed = user.hashed_password if user else None
        if not await self._hasher.verify(hashed, password) or user is None:
            raise InvalidCredentials()  # the attempt stays counted
        if not user.is_active:
            # The password is right, so this is no guess to throttle; but no login either.
            await self._limiter.forgive(key, attempt)
            raise InactiveUser()
        await self._limiter.reset(key)
        rehashed = (
            await self._hasher.hash(password)
            if self._hasher.needs_rehash(user.hashed_password)
            else None
        )
        return await self._open_session(user, rehashed)

    async def _open_session(self, user: User, rehashed: str | None) -> TokenPair:
        now = self._clock.now()
        session_id = uuid.uuid4()
        pair = self._tokens.issue_pair(user.id, session_id)
        session = LoginSession(
            id=session_id,
            user_id=user.id,
            refresh_token_id=pair.refresh_token_id,
            created_at=now,
            expires_at=pair.refresh_expires_at,
        )
        async with self._uow() as uow:
            await uow.sessions.add(session)
            if rehashed is not None:
                # Locked read: writing the whole row back must not undo a change (say, a
                # deactivation) committed since the password was checked.
                current = await uow.users.get_for_update(user.id)
                if current is not None and current.hashed_password == user.hashed_password:
                    current.rehash_password(rehashed)
                    await uow.users.update(current)
            await uow.commit()
        return pair
