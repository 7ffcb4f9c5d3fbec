"""Changing accounts: details, flags and passwords, by their owners or by superusers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.authorization import ensure_may_change_user
from domain.errors import InvalidPassword, NotFound
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

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(f.name for f in fields(self) if getattr(self, f.name) is not None)

    @property
    def may_remove_a_superuser(self) -> bool:
        return self.is_active is False or self.is_superuser is False


class UpdateUser:
    """Change an account. Its owner may change the e-mail and name; only a superuser may set
    the password, `is_active` or `is_superuser` (403 otherwise). Setting a password or
    deactivating ends every session of the account. A change that would leave no active
    superuser is refused (409 `last_superuser`)."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, actor: User, user_id: uuid.UUID, changes: UserChanges) -> User:
        ensure_may_change_user(actor, user_id, changes.fields)
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
            user.change_details(now, email=changes.email, name=changes.name)
            user.set_flags(now, is_active=changes.is_active, is_superuser=changes.is_superuser)
            if changes.password is not None and hashed is not None:
                check_password_policy(changes.password, user.email)
                user.change_password(hashed, now)
            ensure_superuser_remains(superusers, user.id, user)
            await uow.users.update(user)  # EmailTaken, decided by the unique constraint
            if hashed is not None or not user.is_active:
                await uow.sessions.revoke_all_for_user(user.id, now)
            await uow.commit()
        return user


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
            await uow.commit()


def _check_new_password(password: str, email: str) -> None:
    check_password_policy(password, email, field="new_password")
