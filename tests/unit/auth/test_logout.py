"""LogOut on the memory adapters: one session ends, idempotently."""

from __future__ import annotations

import pytest

from domain.errors import InvalidToken


async def test_logout_ends_that_session_only(core) -> None:
    await core.register()
    here, elsewhere = await core.login(), await core.login()
    await core.logout(here.refresh_token)
    for attempt in (core.authenticate(here.access_token), core.refresh(here.refresh_token)):
        with pytest.raises(InvalidToken):
            await attempt
    await core.authenticate(elsewhere.access_token)
    await core.refresh(elsewhere.refresh_token)


async def test_logout_again_is_harmless(core) -> None:
    await core.register()
    pair = await core.login()
    await core.logout(pair.refresh_token)
    [session] = core.all_sessions()
    core.clock.advance(seconds=3)
    await core.logout(pair.refresh_token)
    [again] = core.all_sessions()
    assert again.revoked_at == session.revoked_at  # the first revocation time stays


async def test_logout_with_a_spent_refresh_token_still_ends_the_session(core) -> None:
    await core.register()
    first = await core.login()
    second = await core.refresh(first.refresh_token)
    await core.logout(first.refresh_token)
    with pytest.raises(InvalidToken):
        await core.authenticate(second.access_token)
    with pytest.raises(InvalidToken):
        await core.refresh(second.refresh_token)


async def test_logout_with_an_expired_refresh_token_is_accepted(core) -> None:
    await core.register()
    pair = await core.login()
    core.clock.advance(days=8)
    await core.logout(pair.refresh_token)
    [session] = core.all_sessions()
    assert session.revoked_at == core.clock.now()


@pytest.mark.parametrize("which", ["access", "garbage", "empty"])
async def test_logout_needs_a_genuine_refresh_token(core, which) -> None:
    await core.register()
    pair = await core.login()
    token = {"access": pair.access_token, "garbage": "not.a.token", "empty": ""}[which]
    with pytest.raises(InvalidToken):
        await core.logout(token)
    assert all(s.revoked_at is None for s in core.all_sessions())
    await core.authenticate(pair.access_token)
