"""UnitOfWork contract, on every backend: nothing persists without commit()."""

from __future__ import annotations

import pytest

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
