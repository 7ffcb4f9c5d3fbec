"""Public profiles: name, bio and avatar of active accounts."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from application.files import discard_files, new_file_key
from application.ports import Clock, FileStorage, Signer, UnitOfWorkFactory
from domain.authorization import ensure_can_see_profile
from domain.errors import NotFound
from domain.images import MAX_AVATAR_BYTES, AvatarTooLarge, ensure_image
from domain.users import User


@dataclass(frozen=True, slots=True)
class Image:
    content: bytes
    media_type: str
    # Fetched through a signed link rather than with a token: the same bytes for whoever
    # holds the link, so a browser may keep them.
    cacheable: bool = False


@dataclass(frozen=True, slots=True)
class AvatarLink:
    """What an avatar URL's query carries: the avatar's version and the server's signature."""

    version: str
    signature: str


class AvatarLinks:
    """Signatures that let whoever holds a profile's `avatar_url` fetch that avatar without a
    token (so a page can use it in `<img src>`), bound to the account and the avatar's
    version: a new avatar gets a new link, and the old one stops granting anything."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def link(self, user: User) -> AvatarLink | None:
        version = user.avatar_version
        if version is None:
            return None
        return AvatarLink(version, self._signer.sign(_link_payload(user.id, version)))

    def grants(self, user_id: uuid.UUID, link: AvatarLink) -> bool:
        """Whether the signature was made by this server for this account and version (it
        says nothing of whether that version is still the current one)."""
        return self._signer.unsign(link.signature) == _link_payload(user_id, link.version)


def _link_payload(user_id: uuid.UUID, version: str) -> bytes:
    return f"avatar:{user_id}:{version}".encode()


class GetProfile:
    """The public profile of an active account (404 for an inactive or unknown one)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, user_id: uuid.UUID) -> User:
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get(user_id)
        return ensure_can_see_profile(actor, user)


class UpdateProfile:
    """Change the caller's profile. `bio`: 0 to 2,000 characters; null clears it."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, changes: Mapping[str, str | None]) -> User:
        async with self._uow() as uow:
            user = await uow.users.get_for_update(actor.id)
            if user is None:
                raise NotFound()
            if "bio" in changes:
                user.set_bio(changes["bio"], self._clock.now())
                await uow.users.update(user)
                await uow.commit()
        return user


class SetAvatar:
    """Set or replace the caller's avatar: a PNG, JPEG, GIF or WebP image of at most 2 MiB,
    recognised by its bytes (its name and declared type are ignored). The old image is
    deleted."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage, clock: Clock) -> None:
        self._uow, self._files, self._clock = uow, files, clock

    async def __call__(self, actor: User, content: bytes) -> User:
        if len(content) > MAX_AVATAR_BYTES:
            raise AvatarTooLarge()
        media_type = ensure_image(content)
        key = new_file_key("avatars")
        await self._files.save(key, content)
        try:
            async with self._uow() as uow:
                user = await uow.users.get_for_update(actor.id)
                if user is None:
                    raise NotFound()
                replaced = user.replace_avatar(key, media_type, self._clock.now())
                await uow.users.update(user)
                await uow.commit()
        except BaseException:
            await discard_files(self._files, [key])
            raise
        await discard_files(self._files, [replaced] if replaced else [])
        return user


class GetAvatar:
    """The avatar image of an active account; 404 when it has none.

    A signed link (the profile's `avatar_url`) needs no token while it names the current
    avatar; a tampered or stale one falls back to the token rule. The avatar of an inactive
    account is 404 either way."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage, links: AvatarLinks) -> None:
        self._uow, self._files, self._links = uow, files, links

    async def __call__(
        self,
        user_id: uuid.UUID,
        link: AvatarLink | None,
        authenticate: Callable[[], Awaitable[User]],
    ) -> Image:
        if link is not None and self._links.grants(user_id, link):
            image = await self._read(None, user_id, version=link.version)
            if image is not None:
                return replace(image, cacheable=True)
        image = await self._read(await authenticate(), user_id)
        if image is None:
            raise NotFound("This user has no avatar.")
        return image

    async def _read(
        self, actor: User | None, user_id: uuid.UUID, *, version: str | None = None
    ) -> Image | None:
        """The avatar, as `actor` may see it (None: through a link for `version`); None when
        that version is not the current one."""
        # A replacement between reading the key and reading the bytes deletes the old bytes:
        # read the key again once before giving up.
        for _attempt in range(2):
            async with self._uow(read_only=True) as uow:
                user = await uow.users.get(user_id)
            if actor is not None:
                user = ensure_can_see_profile(actor, user)
            elif user is None or not user.is_active:
                raise NotFound()
            if version is not None and user.avatar_version != version:
                return None
            if user.avatar_key is None or user.avatar_content_type is None:
                raise NotFound("This user has no avatar.")
            content = await self._files.read(user.avatar_key)
            if content is not None:
                return Image(content, user.avatar_content_type)
        raise NotFound("This user has no avatar.")
