"""UnitOfWork contract, on every backend: nothing persists without commit()."""

from __future__ import annotations

from datetime import timedelta
from typing import get_type_hints

import pytest

from application.ports import UnitOfWork
from application.ports.unit_of_work import repository_names
from domain.password_resets import PasswordResetToken, hash_reset_token
from tests.contract.backends import new_user


async def test_leaving_without_commit_rolls_back(backend) -> None:
    user = new_user(backend.clock.now())
    async with backend.uow() as uow:
        await uow.users.add(user)
        assert await uow.users.get(user.id) == user  # visible inside its own transaction
    assert await backend.user(user.id) is None


async def test_an_exception_rolls_back_and_propagates(backend) -> None:
    user = new_user(backend.clock.now())
    with pytest.raises(RuntimeError, match="boom"):
        async with backend.uow() as uow:
            await uow.users.add(user)
            raise RuntimeError("boom")
    assert await backend.user(user.id) is None


async def test_commit_persists_users_and_sessions_together(backend) -> None:
    user = new_user(backend.clock.now())
    async with backend.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    assert await backend.user(user.id) == user


async def test_an_exception_after_commit_keeps_what_was_committed(backend) -> None:
    kept, dropped = new_user(backend.clock.now()), new_user(backend.clock.now())
    with pytest.raises(RuntimeError):
        async with backend.uow() as uow:
            await uow.users.add(kept)
            await uow.commit()
            await uow.users.add(dropped)
            raise RuntimeError("after the commit")
    assert await backend.user(kept.id) == kept
    assert await backend.user(dropped.id) is None


async def test_units_of_work_one_after_another_see_each_other(backend) -> None:
    for _ in range(3):
        await backend.add_user()
    async with backend.uow() as uow:
        user = new_user(backend.clock.now())
        await uow.users.add(user)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.users.get(user.id) == user


async def test_every_repository_of_the_port_is_built_as_that_port(backend) -> None:
    # The registries (adapters/*/repositories.py) are keyed by name; this ties each entry to
    # the type the UnitOfWork port gives that name, on every backend.
    ports = get_type_hints(UnitOfWork)
    async with backend.uow() as uow:
        for name in repository_names():
            assert ports[name] in type(getattr(uow, name)).__mro__, name


async def test_deleting_an_account_takes_its_reset_tokens_with_it(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    now = backend.clock.now()
    (gone, gone_secret), (kept, kept_secret) = (
        PasswordResetToken.issue(user.id, now, timedelta(hours=1)) for user in (ann, bob)
    )
    async with backend.uow() as uow:
        await uow.password_resets.add(gone)
        await uow.password_resets.add(kept)
        await uow.commit()
    async with backend.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.password_resets.get_by_hash(hash_reset_token(gone_secret)) is None
        assert await uow.password_resets.get_by_hash(hash_reset_token(kept_secret)) == kept
