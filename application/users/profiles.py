"""Public profiles: name, bio and avatar of active accounts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from application.files import discard_files, new_file_key
from application.ports import Clock, FileStorage, UnitOfWorkFactory
from domain.authorization import ensure_can_see_profile
from domain.errors import NotFound, PayloadTooLarge
from domain.images import MAX_AVATAR_BYTES, ensure_image
from domain.users import User


@dataclass(frozen=True, slots=True)
class Image:
    content: bytes
    media_type: str


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
            raise PayloadTooLarge("An avatar may be at most 2 MiB.")
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
    """The avatar image of an active account; 404 when it has none."""

    def __init__(self, uow: UnitOfWorkFactory, files: FileStorage) -> None:
        self._uow, self._files = uow, files

    async def __call__(self, actor: User, user_id: uuid.UUID) -> Image:
        # A replacement between reading the key and reading the bytes deletes the old bytes:
        # read the key again once before giving up.
        for _attempt in range(2):
            async with self._uow(read_only=True) as uow:
                user = ensure_can_see_profile(actor, await uow.users.get(user_id))
            if user.avatar_key is None or user.avatar_content_type is None:
                break
            content = await self._files.read(user.avatar_key)
            if content is not None:
                return Image(content, user.avatar_content_type)
        raise NotFound("This user has no avatar.")
