"""Creating accounts: self-registration, administrators and the first superuser."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports import Clock, PasswordHasher, UnitOfWorkFactory
from domain.email_messages import welcome_email
from domain.emails import normalize_email
from domain.errors import EmailTaken
from domain.passwords import check_password_policy
from domain.users import User


@dataclass(frozen=True, slots=True, kw_only=True)
class NewAccount:
    email: str
    name: str
    password: str
    is_active: bool = True
    is_superuser: bool = False


class RegisterUser:
    """Create an account; the e-mail must not be in use (case-insensitively). A welcome
    e-mail is queued with it."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PasswordHasher, clock: Clock) -> None:
        self._uow, self._hasher, self._clock = uow, hasher, clock

    async def __call__(self, account: NewAccount) -> User:
        email = normalize_email(account.email)
        check_password_policy(account.password, email)
        hashed = await self._hasher.hash(account.password)
        user = User.register(
            email=email,
            name=account.name,
            hashed_password=hashed,
            now=self._clock.now(),
            is_active=account.is_active,
            is_superuser=account.is_superuser,
        )
        async with self._uow() as uow:
            await uow.users.add(user)  # EmailTaken, decided by the unique constraint
            await uow.outbox.enqueue(welcome_email(user))
            await uow.commit()
        return user


class EnsureSuperuser:
    """Create the configured first superuser unless that e-mail already has an account."""

    def __init__(self, register: RegisterUser, uow: UnitOfWorkFactory) -> None:
        self._register, self._uow = register, uow

    async def __call__(self, email: str, name: str, password: str) -> User | None:
        async with self._uow(read_only=True) as uow:
            if await uow.users.get_by_email(normalize_email(email)) is not None:
                return None
        try:
            return await self._register(
                NewAccount(email=email, name=name, password=password, is_superuser=True)
            )
        except EmailTaken:  # another worker created it a moment ago
            return None
