"""Reading and creating accounts: one account, the list of them, a new one."""

from __future__ import annotations

import uuid

from application.auth.registration import NewAccount, RegisterUser
from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from application.ports import UnitOfWorkFactory
from application.ports.users import UserFilter
from domain.authorization import ensure_can_see, ensure_superuser
from domain.errors import NotFound
from domain.users import User


class GetUser:
    """One account: the caller's own, or any for a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, user_id: uuid.UUID) -> User:
        ensure_can_see(actor, user_id)
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get(user_id)
        if user is None:
            raise NotFound()
        return user


class ListUsers:
    """Every account, newest first, for superusers. `q` matches a case-insensitive part of
    the e-mail or name; `is_active` keeps active or inactive accounts only."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(self, actor: User, where: UserFilter, request: PageRequest) -> Page[User]:
        ensure_superuser(actor)
        binding = {"listing": "users", "q": where.q, "is_active": where.is_active}
        window = self._paginator.window(request, NEWEST_FIRST, binding)
        async with self._uow(read_only=True) as uow:
            total = await uow.users.count(where)
            rows = await uow.users.search(
                where, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, NEWEST_FIRST, binding, rows, total)


class CreateUser:
    """Create an account as a superuser, optionally inactive or itself a superuser."""

    def __init__(self, register: RegisterUser) -> None:
        self._register = register

    async def __call__(self, actor: User, account: NewAccount) -> User:
        ensure_superuser(actor)
        return await self._register(account)
