"""RefreshTokens on the memory adapters: rotation, and reuse treated as theft."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import InvalidToken


async def test_a_refresh_token_is_spent_for_a_new_pair(core) -> None:
    user = await core.register()
    first = await core.login()
    core.clock.advance(seconds=1)
    second = await core.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    assert second.access_token != first.access_token
    [session] = core.all_sessions()
    assert session.refresh_token_id == second.refresh_token_id
    assert (await core.authenticate(second.access_token)).id == user.id
    third = await core.refresh(second.refresh_token)  # the new one is spendable in turn
    assert (await core.authenticate(third.access_token)).id == user.id


async def test_a_spent_refresh_token_presented_again_revokes_the_session(core) -> None:
    await core.register()
    first = await core.login()
    other = await core.login()  # another device of the same user
    second = await core.refresh(first.refresh_token)

    with pytest.raises(InvalidToken):
        await core.refresh(first.refresh_token)

    # Thief and victim are both out: the new refresh token and every access token die.
    with pytest.raises(InvalidToken):
        await core.refresh(second.refresh_token)
    for access in (first.access_token, second.access_token):
        with pytest.raises(InvalidToken):
            await core.authenticate(access)
    revoked = [s for s in core.all_sessions() if s.revoked_at is not None]
    assert len(revoked) == 1
    # Only that login session: the other device is untouched.
    await core.authenticate(other.access_token)
    await core.refresh(other.refresh_token)


async def test_an_access_token_is_not_a_refresh_token(core) -> None:
    await core.register()
    pair = await core.login()
    with pytest.raises(InvalidToken):
        await core.refresh(pair.access_token)
    # A wrong kind of token is no evidence of theft: the session goes on.
    assert all(s.revoked_at is None for s in core.all_sessions())
    await core.refresh(pair.refresh_token)


async def test_a_refresh_after_a_password_change_is_refused(core) -> None:
    user = await core.register()
    pair = await core.login()
    core.clock.advance(seconds=1)
    await core.change_password(user.id)
    with pytest.raises(InvalidToken):
        await core.refresh(pair.refresh_token)


async def test_a_refresh_of_a_deactivated_user_is_refused(core) -> None:
    user = await core.register()
    pair = await core.login()
    await core.change_user(user.id, lambda u: setattr(u, "is_active", False))
    with pytest.raises(InvalidToken):
        await core.refresh(pair.refresh_token)


async def test_a_refresh_token_dies_with_its_session(core) -> None:
    await core.register()
    pair = await core.login()
    core.clock.advance(days=7, seconds=1)
    with pytest.raises(InvalidToken):
        await core.refresh(pair.refresh_token)


async def test_a_refresh_of_a_revoked_session_is_refused(core) -> None:
    await core.register()
    pair = await core.login()
    await core.logout(pair.refresh_token)
    with pytest.raises(InvalidToken):
        await core.refresh(pair.refresh_token)


async def test_a_refreshed_access_token_lives_its_full_lifetime(core) -> None:
    await core.register()
    pair = await core.login()
    core.clock.advance(minutes=10)
    fresh = await core.refresh(pair.refresh_token)
    core.clock.advance(minutes=10)
    with pytest.raises(InvalidToken):
        await core.authenticate(pair.access_token)
    await core.authenticate(fresh.access_token)
    core.clock.advance(timedelta(minutes=5))
    with pytest.raises(InvalidToken):
        await core.authenticate(fresh.access_token)


async def test_refreshing_slides_the_session_and_idleness_ends_it(core) -> None:
    await core.register()
    pair = await core.login()
    for _ in range(3):  # an active client outlives the first refresh lifetime (7 days)
        core.clock.advance(days=5)
        pair = await core.refresh(pair.refresh_token)
    [session] = core.all_sessions()
    assert session.expires_at == pair.refresh_expires_at
    core.clock.advance(days=7, seconds=1)
    with pytest.raises(InvalidToken):  # idle longer than the refresh lifetime
        await core.refresh(pair.refresh_token)


async def test_refreshing_never_makes_a_session_outlive_its_absolute_lifetime(core) -> None:
    await core.register()
    pair = await core.login()  # SESSION_MAX_DAYS is 30 and refresh tokens last 7 days
    for _ in range(4):  # refreshed every 6 days: each refresh token is still valid
        core.clock.advance(days=6)
        pair = await core.refresh(pair.refresh_token)
    [session] = core.all_sessions()
    assert session.expires_at == session.created_at + timedelta(days=30)
    core.clock.advance(days=6, seconds=1)  # day 30 and a second: the cap, not the token
    with pytest.raises(InvalidToken):
        await core.refresh(pair.refresh_token)
