"""PrincipalLookup contract, on every backend (and both PostgreSQL adapters)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta


async def update(backend, user) -> None:
    async with backend.uow() as uow:
        await uow.users.update(user)
        await uow.commit()


async def test_a_live_session_of_an_active_user_finds_the_user(principal_backend) -> None:
    backend = principal_backend
    user = await backend.add_user()
    session = await backend.add_session(user)
    assert await backend.principals.find(user.id, session.id) == user


async def test_unknown_or_mismatched_ids_find_nobody(principal_backend) -> None:
    backend = principal_backend
    ann, bob = await backend.add_user(), await backend.add_user()
    session = await backend.add_session(ann)
    assert await backend.principals.find(bob.id, session.id) is None
    assert await backend.principals.find(ann.id, uuid.uuid4()) is None
    assert await backend.principals.find(uuid.uuid4(), session.id) is None


async def test_a_revoked_session_finds_nobody(principal_backend) -> None:
    backend = principal_backend
    user = await backend.add_user()
    session = await backend.add_session(user)
    async with backend.uow() as uow:
        await uow.sessions.revoke(session.id, backend.clock.now())
        await uow.commit()
    assert await backend.principals.find(user.id, session.id) is None


async def test_an_expired_session_finds_nobody(principal_backend) -> None:
    backend = principal_backend
    user = await backend.add_user()
    session = await backend.add_session(user, expires_at=backend.clock.now() + timedelta(hours=1))
    backend.clock.advance(minutes=59, seconds=59)
    assert await backend.principals.find(user.id, session.id) == user
    backend.clock.advance(seconds=1)  # the instant it expires
    assert await backend.principals.find(user.id, session.id) is None


async def test_an_inactive_user_is_nobody(principal_backend) -> None:
    backend = principal_backend
    user = await backend.add_user()
    session = await backend.add_session(user)
    await update(backend, replace(user, is_active=False))
    assert await backend.principals.find(user.id, session.id) is None


async def test_only_sessions_begun_after_the_last_password_change_count(principal_backend):
    backend = principal_backend
    user = await backend.add_user()
    before = await backend.add_session(user)
    changed_at = backend.clock.advance(microseconds=1)
    await update(backend, replace(user, password_changed_at=changed_at))
    at_once = await backend.add_session(user)  # the same instant as the change
    backend.clock.advance(microseconds=1)
    after = await backend.add_session(user)
    assert await backend.principals.find(user.id, before.id) is None
    assert await backend.principals.find(user.id, at_once.id) is not None
    assert await backend.principals.find(user.id, after.id) is not None


async def test_the_lookup_sees_only_committed_state(principal_backend) -> None:
    backend = principal_backend
    user = await backend.add_user()
    session = await backend.add_session(user)
    async with backend.uow() as uow:
        await uow.sessions.revoke(session.id, backend.clock.now())
        # Not committed: the session is still live for everybody else.
        assert await backend.principals.find(user.id, session.id) == user
    assert await backend.principals.find(user.id, session.id) == user
