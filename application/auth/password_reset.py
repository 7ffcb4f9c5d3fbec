"""Forgotten passwords: a single-use link by e-mail, and setting a new password with it."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import urlencode

from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.email_messages import password_reset_email
from domain.emails import normalize_email
from domain.errors import InvalidResetToken
from domain.password_resets import (
    RESET_EMAIL_WINDOW,
    PasswordResetToken,
    hash_reset_token,
    may_send_reset_email,
)
from domain.passwords import check_password_policy


class RequestPasswordReset:
    """Queue an e-mail with a single-use password-reset link, if the e-mail belongs to an
    active account. The answer is the same either way, and so is its time, so it does not
    reveal which accounts exist. A new link supersedes older ones: only the latest works.
    At most 3 reset e-mails go to one account per hour; further requests send nothing.
    """

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        *,
        frontend_url: str,
        ttl: timedelta,
        min_duration: timedelta = timedelta(0),
    ) -> None:
        self._uow, self._clock = uow, clock
        self._reset_page = frontend_url.rstrip("/") + "/reset-password"
        self._ttl = ttl
        self._min_seconds = min_duration.total_seconds()

    async def __call__(self, email: str) -> None:
        email = normalize_email(email)
        # Every answer takes at least min_duration, which is longer than the work of either
        # path, so the time tells nothing about the account (the paths differ by a few
        # queries: a lookup alone, or a lookup, a count and three writes).
        loop = asyncio.get_running_loop()
        answer_at = loop.time() + self._min_seconds
        try:
            await self._request(email)
        finally:
            await asyncio.sleep(max(0.0, answer_at - loop.time()))

    async def _request(self, email: str) -> None:
        async with self._uow() as uow:
            found = await uow.users.get_by_email(email)
            # Locked, so that concurrent requests for one account count one after another.
            user = await uow.users.get_for_update(found.id) if found is not None else None
            if user is None or not user.is_active:
                return
            now = self._clock.now()
            window_start = now - RESET_EMAIL_WINDOW
            sent = await uow.password_resets.count_created_since(user.id, window_start)
            if not may_send_reset_email(sent):
                return
            await uow.password_resets.forget_created_before(user.id, window_start)
            await uow.password_resets.void_for_user(user.id, now)
            record, secret = PasswordResetToken.issue(user.id, now, self._ttl)
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
            await uow.password_resets.void_for_user(user.id, now)  # any other link, too
            await uow.commit()
