"""Logging in: checking a password, throttled per e-mail and per client address, and opening a
login session."""

from __future__ import annotations

import contextlib
import uuid

from application.auth.throttle import LoginLimiter
from application.errors import Overloaded
from application.ports import Clock, PasswordHasher, TokenService, UnitOfWorkFactory
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
        limiter: LoginLimiter,
        client_limiter: LoginLimiter,
    ) -> None:
        self._uow, self._hasher, self._tokens, self._clock = uow, hasher, tokens, clock
        self._limiter, self._client_limiter = limiter, client_limiter

    async def __call__(self, email: str, password: str, client: str) -> TokenPair:
        client_key = f"client:{client}"
        key, email = _key(email)
        # Admitted before the password is checked, and counted as a failure unless it turns
        # out otherwise, so parallel guesses cannot slip past either limit (RateLimited here).
        # The client first: a client over its limit costs no more than that one check. Always
        # the client's key, then the e-mail's, so no two logins wait for each other's; the
        # transaction holds both until it commits the two attempts, with the user read.
        async with (
            self._client_limiter.queued(client_key),
            self._limiter.queued(key),
            self._uow() as uow,
        ):
            client_attempt = await self._client_limiter.admit(uow, client_key)
            # Refused for the e-mail: the client's attempt goes with the rollback.
            attempt = await self._limiter.admit(uow, key)
            user = await uow.users.get_by_email(email) if email else None
            await uow.commit()
        # No transaction is held while the password is checked.
        hashed = user.hashed_password if user else None
        try:
            verified = await self._hasher.verify(hashed, password)
        except Overloaded:
            # No check made for a busy hasher: no wrong guess.
            await self._forgive((client_key, client_attempt), (key, attempt))
            raise
        if not verified or user is None:
            # A wrong guess stays counted for both (so does an unexpected error: the safe side).
            raise InvalidCredentials()
        if not user.is_active:
            # The password is right, so this is no guess to throttle; but no login either.
            await self._forgive((client_key, client_attempt), (key, attempt))
            raise InactiveUser()
        rehashed = None
        if self._hasher.needs_rehash(user.hashed_password):
            # A busy hasher does not undo a login that succeeded: the next one rehashes.
            with contextlib.suppress(Overloaded):
                rehashed = await self._hasher.hash(password)
        return await self._open_session(user, rehashed, (client_key, client_attempt), key)

    async def _forgive(
        self, client_attempt: tuple[str, uuid.UUID], attempt: tuple[str, uuid.UUID]
    ) -> None:
        """Uncount both attempts of a login that was no guess (the client's key locked first,
        as everywhere)."""
        async with self._uow() as uow:
            await self._client_limiter.forgive(uow, *client_attempt)
            await self._limiter.forgive(uow, *attempt)
            await uow.commit()

    async def _open_session(
        self,
        user: User,
        rehashed: str | None,
        client_attempt: tuple[str, uuid.UUID],
        key: str,
    ) -> TokenPair:
        """The session, in one transaction with the success's effect on the counts: the
        client's attempt is forgiven (a success is no failure, but clears nothing of the
        client's), the e-mail's are reset."""
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
            await self._client_limiter.forgive(uow, *client_attempt)
            await self._limiter.reset(uow, key)
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


def _key(email: str) -> tuple[str, str]:
    """The e-mail's throttling key, and the e-mail normalised ("" when it is none)."""
    submitted = email
    try:
        email = normalize_email(email)
    except PolicyViolation:
        email = ""
    # A normalised e-mail has an "@" and client keys have none, and anything else is
    # marked: no key of one space can be made to count against a key of the other.
    return email or "invalid:" + submitted.strip().lower(), email
