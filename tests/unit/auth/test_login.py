"""LogIn on the memory adapters."""

from __future__ import annotations

import pytest

from adapters.security.argon2 import Argon2PasswordHasher
from domain.errors import InactiveUser, InvalidCredentials
from tests.support.api import PASSWORD


async def test_a_login_opens_a_session_whose_tokens_work(core) -> None:
    user = await core.register()
    pair = await core.login("ANN@example.com ", PASSWORD)
    [session] = core.all_sessions()
    assert session.user_id == user.id
    assert session.refresh_token_id == pair.refresh_token_id
    assert session.created_at == core.clock.now()
    assert session.expires_at == pair.refresh_expires_at
    assert (await core.authenticate(pair.access_token)).id == user.id


async def test_each_login_opens_its_own_session(core) -> None:
    await core.register()
    first, second = await core.login(), await core.login()
    assert first.access_token != second.access_token
    assert len({s.id for s in core.all_sessions()}) == 2


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("nobody@example.com", PASSWORD),  # unknown e-mail
        ("ann@example.com", "Wrong-Password-1"),  # wrong password
        ("ann@example.com", PASSWORD.lower()),
        ("ann@example.com", ""),
        ("not an e-mail", PASSWORD),
        ("", PASSWORD),
    ],
)
async def test_unknown_email_and_wrong_password_are_the_same_failure(core, email, password):
    await core.register()
    with pytest.raises(InvalidCredentials) as raised:
        await core.login(email, password)
    assert raised.value.detail == InvalidCredentials().detail
    assert core.all_sessions() == []


async def test_an_inactive_user_is_told_so_only_after_the_right_password(core) -> None:
    user = await core.register()
    await core.change_user(user.id, lambda u: setattr(u, "is_active", False))
    with pytest.raises(InvalidCredentials):
        await core.login(password="Wrong-Password-1")
    with pytest.raises(InactiveUser):
        await core.login()
    assert core.all_sessions() == []


async def test_a_hash_made_with_weaker_parameters_is_upgraded_at_login(core) -> None:
    user = await core.register()
    early = await core.login()
    weak = Argon2PasswordHasher(memory_cost=256, time_cost=1, parallelism=1)
    try:
        weak_hash = await weak.hash(PASSWORD)
    finally:
        weak.close()
    await core.change_user(user.id, lambda u: u.rehash_password(weak_hash))
    hasher = core.container.core.hasher()
    assert hasher.needs_rehash(weak_hash)

    core.clock.advance(seconds=5)
    await core.login()

    stored = await core.user(user.id)
    assert stored.hashed_password != weak_hash
    assert not hasher.needs_rehash(stored.hashed_password)
    assert await hasher.verify(stored.hashed_password, PASSWORD)
    # The same password under new parameters is not a password change: sessions live on.
    assert stored.password_changed_at == user.password_changed_at
    assert (await core.authenticate(early.access_token)).id == user.id


async def test_a_current_hash_is_left_alone(core) -> None:
    user = await core.register()
    await core.login()
    assert (await core.user(user.id)).hashed_password == user.hashed_password
