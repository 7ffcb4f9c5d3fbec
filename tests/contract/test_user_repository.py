"""UserRepository contract, on every backend."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

import pytest

from domain.errors import EmailTaken


async def test_a_user_reads_back_exactly_as_added(backend) -> None:
    user = await backend.add_user("ann@example.com", is_superuser=True)
    stored = await backend.user(user.id)
    assert stored == user
    assert stored.created_at.utcoffset() == timedelta(0)  # aware UTC, microseconds kept
    async with backend.uow() as uow:
        assert await uow.users.get_by_email("ann@example.com") == user


async def test_unknown_ids_and_emails_are_none(backend) -> None:
    await backend.add_user("ann@example.com")
    async with backend.uow() as uow:
        assert await uow.users.get(uuid.uuid4()) is None
        assert await uow.users.get_by_email("bob@example.com") is None


async def test_update_writes_every_field_back(backend) -> None:
    user = await backend.add_user("ann@example.com")
    later = backend.clock.advance(seconds=90, microseconds=123)
    changed = replace(
        user,
        email="ann.new@example.com",
        name="Ann New",
        hashed_password="$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdA$bmV3aGFzaA",
        is_active=False,
        is_superuser=True,
        updated_at=later,
        password_changed_at=later,
    )
    async with backend.uow() as uow:
        await uow.users.update(changed)
        await uow.commit()
    assert await backend.user(user.id) == changed
    async with backend.uow() as uow:
        assert await uow.users.get_by_email("ann@example.com") is None
        assert (await uow.users.get_by_email("ann.new@example.com")).id == user.id


async def test_update_keeps_the_creation_time(backend) -> None:
    user = await backend.add_user()
    async with backend.uow() as uow:
        await uow.users.update(replace(user, created_at=user.created_at + timedelta(days=1)))
        await uow.commit()
    assert (await backend.user(user.id)).created_at == user.created_at


async def test_adding_a_taken_email_is_refused(backend) -> None:
    first = await backend.add_user("ann@example.com")
    with pytest.raises(EmailTaken):
        await backend.add_user("ann@example.com")
    async with backend.uow() as uow:
        assert (await uow.users.get_by_email("ann@example.com")).id == first.id


async def test_updating_to_a_taken_email_is_refused(backend) -> None:
    await backend.add_user("ann@example.com")
    bob = await backend.add_user("bob@example.com")
    with pytest.raises(EmailTaken):
        async with backend.uow() as uow:
            await uow.users.update(replace(bob, email="ann@example.com"))
            await uow.commit()
    assert (await backend.user(bob.id)).email == "bob@example.com"
    # Keeping one's own e-mail is no conflict.
    async with backend.uow() as uow:
        await uow.users.update(replace(bob, name="Bob"))
        await uow.commit()
    assert (await backend.user(bob.id)).name == "Bob"
