"""`/users/…/profile` and `/users/…/avatar`: the public side of accounts."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, Response

from application.profiles import GetAvatar, GetProfile, SetAvatar, UpdateProfile
from domain.images import MAX_AVATAR_BYTES
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.schemas.profiles import ProfileOut, ProfileUpdate
from entrypoints.http.uploads import read_single_file

router = APIRouter()

_AVATAR_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                    "additionalProperties": False,
                }
            }
        },
    }
}
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@router.get("/me/profile", responses=responses(401))
async def read_my_profile(actor: CurrentUser, get_profile: Use[GetProfile]) -> ProfileOut:
    """The caller's public profile."""
    return ProfileOut.from_user(await get_profile(actor, actor.id))


@router.patch("/me/profile", responses=responses(401, 422), description=UpdateProfile.__doc__)
async def update_my_profile(
    body: ProfileUpdate,
    actor: CurrentUser,
    update_profile: Use[UpdateProfile],
) -> ProfileOut:
    return ProfileOut.from_user(await update_profile(actor, body.model_dump(exclude_unset=True)))


@router.put(
    "/me/avatar",
    responses=responses(401, 413, 415, 422),
    description=SetAvatar.__doc__,
    openapi_extra=_AVATAR_UPLOAD,
)
async def set_my_avatar(
    request: Request, actor: CurrentUser, set_avatar: Use[SetAvatar]
) -> ProfileOut:
    content = await read_single_file(request, field_name="file", max_bytes=MAX_AVATAR_BYTES)
    return ProfileOut.from_user(await set_avatar(actor, content))


@router.get(
    "/{user_id}/profile", responses=responses(401, 404, 422), description=GetProfile.__doc__
)
async def read_profile(
    user_id: uuid.UUID, actor: CurrentUser, get_profile: Use[GetProfile]
) -> ProfileOut:
    return ProfileOut.from_user(await get_profile(actor, user_id))


@router.get(
    "/{user_id}/avatar",
    response_class=Response,
    responses={
        200: {
            "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in _IMAGE_TYPES}
        },
        **responses(401, 404, 422),
    },
    description=GetAvatar.__doc__,
)
async def read_avatar(
    user_id: uuid.UUID, actor: CurrentUser, get_avatar: Use[GetAvatar]
) -> Response:
    image = await get_avatar(actor, user_id)
    return Response(content=image.content, media_type=image.media_type)
