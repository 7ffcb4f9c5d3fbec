"""Logging in: checking a password, throttled per e-mail and per client address, and opening a
login session."""

from __future__ import annotations

import contextlib
import uuid

from application.errors import Overloaded
from application.ports import (
    Clock,
    PasswordHasher,
    RateLimiter,
    TokenService,
    UnitOfWorkFactory,
)
from domain.emails import normalize_email
from domain.errors import InactiveUser, InvalidCredentials, PolicyViolation, RateLimited
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

    Failures are also counted per client address over 60 s: while `LOGIN_CLIENT_MAX_FAILURES`
    or more lie in that window, every login from the address is 429 with `Retry-After`, so
    one client cannot spray guesses over many e-mails. A success does not clear this count
    (it only is not counted), so one known password does not buy more guesses.

    When too many password checks are already waiting, the login is 503 at once, with
    `Retry-After`, and counts as no failure.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        hasher: PasswordHasher,
        tokens: TokenService,
        clock: Clock,
        limiter: RateLimiter,
        client_limiter: RateLimiter,
    ) -> None:
        self._uow, self._hasher, self._tokens, self._clock = uow, hasher, tokens, clock
        self._limiter, self._client_limiter = limiter, client_limiter

    async def __call__(self, email: str, password: str, client: str) -> TokenPair:
        # Admitted before the password is checked, and counted as a failure unless it turns
        # out otherwise, so parallel guesses cannot slip past either limit (RateLimited here).
        # The client first: a client over its limit costs no more than that one check.
        client_key = f"client:{client}"
        client_attempt = await self._client_limiter.admit(client_key)
        try:
            user = await self._check(email, password)
        except InvalidCredentials:
            raise  # a wrong guess stays counted (so does an unexpected error: the safe side)
        except (RateLimited, InactiveUser, Overloaded):
            # Refused for the e-mail, the right password of an inactive account, or no check
            # made for a busy hasher: no wrong guess.
            await self._client_limiter.forgive(client_key, client_attempt)
            raise
        await self._client_limiter.forgive(client_key, client_attempt)
        rehashed = None
        if self._hasher.needs_rehash(user.hashed_password):
            # A busy hasher does not undo a login that succeeded: the next one rehashes.
            with contextlib.suppress(Overloaded):
                rehashed = await self._hasher.hash(password)
        return await self._open_session(user, rehashed)

    async def _check(self, email: str, password: str) -> User:
        """The user whose password this is, throttled per e-mail."""
        submitted = email
        try:
            email = normalize_email(email)
        except PolicyViolation:
            email = ""
        # A normalised e-mail has an "@" and client keys have none, and anything else is
        # marked: no key of one space can be made to count against a key of the other.
        key = email or "invalid:" + submitted.strip().lower()
        attempt = await self._limiter.admit(key)
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get_by_email(email) if email else None
        hashed = user.hashed_password if user else None
        try:
            verified = await self._hasher.verify(hashed, password)
        except Overloaded:
            await self._limiter.forgive(key, attempt)  # no password was checked
            raise
        if not verified or user is None:
            raise InvalidCredentials()  # the attempt stays counted
        if not user.is_active:
            # The password is right, so this is no guess to throttle; but no login either.
            await self._limiter.forgive(key, attempt)
            raise InactiveUser()
        await self._limiter.reset(key)
        return user

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
