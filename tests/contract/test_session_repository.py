"""SessionRepository contract, on every backend: rotation is conditional and atomic."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest


@pytest.fixture
async def user(backend):
    return await backend.add_user()


async def test_a_session_reads_back_exactly_as_added(backend, user) -> None:
    session = await backend.add_session(user)
    assert await backend.session(session.id) == session
    assert await backend.session(uuid.uuid4()) is None


async def rotate(backend, session_id, spent, new, expires_at=None) -> bool:
    expires_at = expires_at or backend.clock.now() + timedelta(days=7)
    async with backend.uow() as uow:
        rotated = await uow.sessions.rotate(session_id, spent, new, expires_at)
        await uow.commit()
    return rotated


async def test_rotate_replaces_the_current_refresh_token_once(backend, user) -> None:
    session = await backend.add_session(user)
    new, newer = uuid.uuid4(), uuid.uuid4()
    assert await rotate(backend, session.id, session.refresh_token_id, new) is True
    assert (await backend.session(session.id)).refresh_token_id == new
    # The same spent id again loses: only one of two racing refreshes can win.
    assert await rotate(backend, session.id, session.refresh_token_id, newer) is False
    assert (await backend.session(session.id)).refresh_token_id == new


async def test_rotate_extends_the_session_to_the_new_refresh_token(backend, user) -> None:
    session = await backend.add_session(user)
    later = session.expires_at + timedelta(days=3)
    assert await rotate(backend, session.id, session.refresh_token_id, uuid.uuid4(), later)
    assert (await backend.session(session.id)).expires_at == later


async def test_rotate_with_a_wrong_spent_id_changes_nothing(backend, user) -> None:
    session = await backend.add_session(user)
    assert await rotate(backend, session.id, uuid.uuid4(), uuid.uuid4()) is False
    assert await backend.session(session.id) == session
    assert await rotate(backend, uuid.uuid4(), session.refresh_token_id, uuid.uuid4()) is False


async def test_rotate_of_a_revoked_session_changes_nothing(backend, user) -> None:
    session = await backend.add_session(user, revoked_at=backend.clock.now())
    assert await rotate(backend, session.id, session.refresh_token_id, uuid.uuid4()) is False
    assert await backend.session(session.id) == session


async def test_revoke_keeps_the_first_revocation_time(backend, user) -> None:
    session = await backend.add_session(user)
    first = backend.clock.now()
    for when in (first, first + timedelta(minutes=1)):
        async with backend.uow() as uow:
            await uow.sessions.revoke(session.id, when)
            await uow.commit()
    assert (await backend.session(session.id)).revoked_at == first
    async with backend.uow() as uow:
        await uow.sessions.revoke(uuid.uuid4(), first)  # unknown: nothing to do, no error
        await uow.commit()


async def test_revoke_all_for_user_touches_only_that_user_s_live_sessions(backend, user) -> None:
    earlier = backend.clock.now()
    live = [await backend.add_session(user) for _ in range(3)]
    old = await backend.add_session(user, revoked_at=earlier)
    other = await backend.add_session(await backend.add_user())
    now = backend.clock.advance(minutes=5)
    async with backend.uow() as uow:
        await uow.sessions.revoke_all_for_user(user.id, now)
        await uow.commit()
    assert [(await backend.session(s.id)).revoked_at for s in live] == [now] * 3
    assert (await backend.session(old.id)).revoked_at == earlier
    assert (await backend.session(other.id)).revoked_at is None
