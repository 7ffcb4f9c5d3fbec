"""Profile and avatar use cases on the memory adapters (bytes in InMemoryFileStorage)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from application.users.changes import UserChanges
from domain.errors import (
    NotAnImage,
    NotAuthenticated,
    NotFound,
    PolicyViolation,
)
from domain.images import MAX_AVATAR_BYTES, AvatarTooLarge
from domain.users import User
from tests.support.accounts import register_superuser
from tests.support.images import GIF, PNG


def stored(core) -> dict[str, bytes]:
    return core.container.core.file_storage().files


async def test_a_bio_is_set_kept_and_cleared(core) -> None:
    ann = await core.register()
    update = core.container.users.update_profile()
    assert (await update(ann, {"bio": "Hello"})).bio == "Hello"
    assert (await update(ann, {})).bio == "Hello"  # not sent: kept
    assert (await update(ann, {"bio": None})).bio is None
    with pytest.raises(PolicyViolation):
        await update(ann, {"bio": "x" * 2001})
    assert (await update(ann, {"bio": "x" * 2000})).bio == "x" * 2000


async def test_replacing_an_avatar_deletes_the_old_bytes(core) -> None:
    ann = await core.register()
    first = await core.container.users.set_avatar()(ann, PNG)
    assert stored(core) == {first.avatar_key: PNG}
    second = await core.container.users.set_avatar()(ann, GIF)
    assert stored(core) == {second.avatar_key: GIF}
    assert second.avatar_version != first.avatar_version
    image = await core.container.users.get_avatar()(ann.id, None, as_(ann))
    assert (image.content, image.media_type) == (GIF, "image/gif")


async def test_refused_uploads_store_nothing(core) -> None:
    ann = await core.register()
    with pytest.raises(NotAnImage):
        await core.container.users.set_avatar()(ann, b"plain text")
    with pytest.raises(AvatarTooLarge):
        await core.container.users.set_avatar()(ann, PNG + b"\0" * MAX_AVATAR_BYTES)
    assert stored(core) == {}


async def test_an_upload_for_an_account_deleted_meanwhile_leaves_no_bytes(core) -> None:
    ann = await core.register()
    await core.container.users.delete_user()(ann, ann.id)
    with pytest.raises(NotFound):
        await core.container.users.set_avatar()(ann, PNG)
    assert stored(core) == {}


async def test_deleting_an_account_deletes_its_avatar(core) -> None:
    ann = await core.register()
    await core.container.users.set_avatar()(ann, PNG)
    await core.container.users.delete_user()(ann, ann.id)
    assert stored(core) == {}


async def test_profiles_and_avatars_of_inactive_or_unknown_accounts_are_not_found(core) -> None:
    root, ann = await register_superuser(core.container), await core.register()
    await core.container.users.set_avatar()(ann, PNG)
    assert (await core.container.users.get_profile()(root, ann.id)).id == ann.id
    await core.container.users.update_user()(root, ann.id, UserChanges(is_active=False))
    # Superusers too: the contract says inactive is 404.
    with pytest.raises(NotFound):
        await core.container.users.get_profile()(root, ann.id)
    with pytest.raises(NotFound):
        await core.container.users.get_avatar()(ann.id, None, as_(root))


async def test_no_avatar_is_not_found(core) -> None:
    ann = await core.register()
    with pytest.raises(NotFound):
        await core.container.users.get_avatar()(ann.id, None, as_(ann))


def as_(user: User) -> Callable[[], Awaitable[User]]:
    """The `authenticate` of a request whose token is `user`'s."""

    async def authenticate() -> User:
        return user

    return authenticate


async def refuse() -> User:
    """The `authenticate` of a request without a token."""
    raise NotAuthenticated()


async def test_a_signed_link_needs_no_token_and_may_be_cached(core) -> None:
    ann = await core.register()
    ann = await core.container.users.set_avatar()(ann, PNG)
    link = core.container.users.avatar_links().link(ann)
    image = await core.container.users.get_avatar()(ann.id, link, refuse)
    assert (image.content, image.cacheable) == (PNG, True)
    with_token = await core.container.users.get_avatar()(ann.id, None, as_(ann))
    assert not with_token.cacheable


async def test_a_tampered_foreign_or_stale_link_falls_back_to_the_token_rule(core) -> None:
    ann, bob = await core.register(), await core.register(email="bob@example.com")
    ann = await core.container.users.set_avatar()(ann, PNG)
    bob = await core.container.users.set_avatar()(bob, GIF)
    links, get_avatar = core.container.users.avatar_links(), core.container.users.get_avatar()
    old = links.link(ann)
    tampered = replace(old, signature=old.signature[:-2] + "AA")
    foreign = links.link(bob)  # valid, but for another account
    newer = await core.container.users.set_avatar()(ann, GIF)
    stale = old  # valid signature for a version that is no longer the avatar
    for link in (tampered, foreign, stale):
        with pytest.raises(NotAuthenticated):
            await get_avatar(ann.id, link, refuse)
        assert (await get_avatar(ann.id, link, as_(bob))).content == GIF
    assert links.link(newer) != old


async def test_a_link_to_an_inactive_accounts_avatar_is_not_found(core) -> None:
    root, ann = await register_superuser(core.container), await core.register()
    ann = await core.container.users.set_avatar()(ann, PNG)
    link = core.container.users.avatar_links().link(ann)
    await core.container.users.update_user()(root, ann.id, UserChanges(is_active=False))
    with pytest.raises(NotFound):
        await core.container.users.get_avatar()(ann.id, link, refuse)
