"""Changing accounts: details, flags and passwords, by their owners or by superusers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.authorization import ensure_may_change_user
from domain.email_messages import email_change_notice
from domain.emails import normalize_email
from domain.errors import InvalidPassword, NotFound, PolicyViolation
from domain.passwords import check_password_policy
from domain.superusers import ensure_superuser_remains
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class UserChanges:
    """The fields a request sets; None leaves a field as it is."""

    email: str | None = None
    name: str | None = None
    password: str | None = None
    is_active: bool | None = None
    is_superuser: bool | None = None
    # Proof of identity, not a change: needed to change one's own e-mail.
    current_password: str | None = None

    @property
    def fields(self) -> frozenset[str]:
        """The fields that change (`current_password` is none of them)."""
        return frozenset(
            f.name
            for f in fields(self)
            if getattr(self, f.name) is not None and f.name != "current_password"
        )

    @property
    def may_remove_a_superuser(self) -> bool:
        return self.is_active is False or self.is_superuser is False


class UpdateUser:
    """Change an account. Its owner may change the e-mail and name; only a superuser may set
    the password, `is_active` or `is_superuser` (403 otherwise). Changing one's own e-mail
    needs `current_password` (422 without it, 400 `invalid_password` when wrong); a
    superuser changing someone else's does not. A notice naming the new e-mail is mailed to
    the old one. Setting a password or deactivating ends every session of the account; those
    and an e-mail change void every outstanding password-reset link. A change that would
    leave no active superuser is refused (409 `last_superuser`)."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, actor: User, user_id: uuid.UUID, changes: UserChanges) -> User:
        ensure_may_change_user(actor, user_id, changes.fields)
        own_email_change = (
            actor.id == user_id
            and changes.email is not None
            and normalize_email(changes.email) != actor.email
        )
        if own_email_change:
            # A stolen access token alone must not be enough to take the account over
            # (new e-mail, then a reset link to it).
            await self._prove_identity(actor.hashed_password, changes.current_password)
        hashed = None
        if changes.password is not None:
            check_password_policy(changes.password)  # the e-mail rule once the e-mail is known
            hashed = await self._hasher.hash(changes.password)
        now = self._clock.now()
        async with self._uow() as uow:
            # Superusers first, then the account: one lock order for every writer, so two
            # superusers demoting each other queue up instead of both succeeding.
            superusers = (
                await uow.users.lock_active_superusers() if changes.may_remove_a_superuser else []
            )
            user = await uow.users.get_for_update(user_id)
            if user is None:
                raise NotFound()
            if not changes.fields:
                return user
            email_before = user.email
            if own_email_change and user.hashed_password != actor.hashed_password:
                # The password changed since the request began: it must match what is now.
                await self._prove_identity(user.hashed_password, changes.current_password)
            user.change_details(now, email=changes.email, name=changes.name)
            user.set_flags(now, is_active=changes.is_active, is_superuser=changes.is_superuser)
            if changes.password is not None and hashed is not None:
                check_password_policy(changes.password, user.email)
                user.change_password(hashed, now)
            ensure_superuser_remains(superusers, user.id, user)
            await uow.users.update(user)  # EmailTaken, decided by the unique constraint
            if hashed is not None or not user.is_active:
                await uow.sessions.revoke_all_for_user(user.id, now)
            if hashed is not None or not user.is_active or user.email != email_before:
                # A link mailed before must not outlive the change it should die with.
                await uow.password_resets.void_for_user(user.id, now)
            if user.email != email_before:
                await uow.outbox.enqueue(email_change_notice(user, old_email=email_before))
            await uow.commit()
        return user

    async def _prove_identity(self, hashed_password: str, current_password: str | None) -> None:
        if current_password is None:
            raise PolicyViolation(
                "current_password is needed to change your own e-mail", field="current_password"
            )
        if not await self._hasher.verify(hashed_password, current_password):
            raise InvalidPassword()


class ChangePassword:
    """Change the caller's password; `current_password` must be right (400
    `invalid_password`). Every session of the account ends, this one included: tokens
    issued before stop working at once."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, actor: User, current_password: str, new_password: str) -> None:
        _check_new_password(new_password, actor.email)
        if not await self._hasher.verify(actor.hashed_password, current_password):
            raise InvalidPassword()
        hashed = await self._hasher.hash(new_password)
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get_for_update(actor.id)
            if user is None:
                raise NotFound()
            # The hash may have changed since the request began (another password change, or
            # a rehash at login): the current password must match what is stored now.
            if user.hashed_password != actor.hashed_password and not await self._hasher.verify(
                user.hashed_password, current_password
            ):
                raise InvalidPassword()
            _check_new_password(new_password, user.email)
            user.change_password(hashed, now)
            await uow.users.update(user)
            await uow.sessions.revoke_all_for_user(user.id, now)
            await uow.password_resets.void_for_user(user.id, now)
            await uow.commit()


def _check_new_password(password: str, email: str) -> None:
    check_password_policy(password, email, field="new_password")
