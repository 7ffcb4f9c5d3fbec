"""Authenticate on the memory adapters: who may still use an access token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidToken


async def test_a_live_session_of_an_active_user_is_recognised(core) -> None:
    user = await core.register()
    pair = await core.login()
    assert await core.authenticate(pair.access_token) == user


async def test_a_revoked_session_is_refused(core) -> None:
    await core.register()
    pair = await core.login()
    async with core.container.core.uow() as uow:
        [session] = core.all_sessions()
        await uow.sessions.revoke(session.id, core.clock.now())
        await uow.commit()
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)


async def test_a_deactivated_user_is_refused(core) -> None:
    user = await core.register()
    pair = await core.login()
    await core.change_user(user.id, lambda u: setattr(u, "is_active", False))
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)
    await core.change_user(user.id, lambda u: setattr(u, "is_active", True))
    assert (await core.authenticate(pair.access_token)).id == user.id


async def test_a_deleted_user_is_refused(core) -> None:
    user = await core.register()
    pair = await core.login()
    del core.container.core.memory_store().table("users")[user.id]
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)


async def test_an_expired_access_token_is_refused(core) -> None:
    await core.register()
    pair = await core.login()
    core.clock.advance(minutes=15)
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)


async def test_a_refresh_token_is_not_an_access_token(core) -> None:
    await core.register()
    pair = await core.login()
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.refresh_token)


async def test_sessions_begun_before_a_password_change_die_even_in_the_same_second(core):
    core.clock.set(datetime(2031, 5, 6, 7, 8, 9, 100_000, tzinfo=UTC))
    user = await core.register()
    before = await core.login()
    core.clock.advance(timedelta(milliseconds=500))  # still 07:08:09
    await core.change_password(user.id)
    with pytest.raises(InvalidToken):
        await core.authenticate(before.access_token)


async def test_a_session_begun_after_a_password_change_works_even_in_the_same_second(core):
    core.clock.set(datetime(2031, 5, 6, 7, 8, 9, 100_000, tzinfo=UTC))
    user = await core.register()
    await core.change_password(user.id, "New-Password-2")
    at_the_same_instant = await core.login(password="New-Password-2")
    core.clock.advance(timedelta(milliseconds=500))  # still 07:08:09
    later_that_second = await core.login(password="New-Password-2")
    for pair in (at_the_same_instant, later_that_second):
        assert (await core.authenticate(pair.access_token)).id == user.id
        assert await core.refresh(pair.refresh_token)
