"""Forgotten passwords: a single-use link by e-mail, and setting a new password with it."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.email_messages import password_reset_email
from domain.emails import normalize_email
from domain.errors import InvalidResetToken
from domain.password_resets import PasswordResetToken, hash_reset_token
from domain.passwords import check_password_policy


class RequestPasswordReset:
    """Queue an e-mail with a single-use password-reset link, if the e-mail belongs to an
    active account. The answer is the same either way, so it does not reveal which accounts
    exist. A new link supersedes older ones: only the latest works.
    """

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, *, frontend_url: str, ttl: timedelta
    ) -> None:
        self._uow, self._clock = uow, clock
        self._reset_page = frontend_url.rstrip("/") + "/reset-password"
        self._ttl = ttl

    async def __call__(self, email: str) -> None:
        email = normalize_email(email)
        async with self._uow() as uow:
            user = await uow.users.get_by_email(email)
            if user is None or not user.is_active:
                return
            record, secret = PasswordResetToken.issue(user.id, self._clock.now(), self._ttl)
            await uow.password_resets.delete_for_user(user.id)
            await uow.password_resets.add(record)
            url = f"{self._reset_page}?{urlencode({'token': secret})}"
            minutes = int(self._ttl.total_seconds() // 60)
            await uow.outbox.enqueue(password_reset_email(user, url, minutes))
            await uow.commit()


class ResetPassword:
    """Set a new password with a reset token from the e-mail. The token works once and
    expires; every login session of the account is revoked."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, token: str, new_password: str) -> None:
        token_hash = hash_reset_token(token)
        async with self._uow() as uow:
            record = await uow.password_resets.get_by_hash(token_hash)
            if record is None or not record.is_usable(self._clock.now()):
                raise InvalidResetToken()
            user = await uow.users.get(record.user_id)
        if user is None or not user.is_active:
            raise InvalidResetToken()
        check_password_policy(new_password, user.email, field="new_password", label="password")
        # Hashing is slow: done outside any transaction; the token is spent only below.
        hashed = await self._hasher.hash(new_password)
        async with self._uow() as uow:
            now = self._clock.now()
            if not await uow.password_resets.consume(record.id, now):
                raise InvalidResetToken()  # spent by a concurrent reset, or just expired
            user = await uow.users.get(record.user_id)
            if user is None or not user.is_active:
                raise InvalidResetToken()
            user.change_password(hashed, now)
            await uow.users.update(user)
            await uow.sessions.revoke_all_for_user(user.id, now)
            await uow.commit()
