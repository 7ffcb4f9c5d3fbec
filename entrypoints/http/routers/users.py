"""`/users`: the list and creation of accounts, the caller's own account (`/me`), public
profiles and avatars, and one account by id (for its owner or a superuser; 404 for anyone
else).

The `/me…` routes are registered before the `/{user_id}…` ones, which would otherwise try to
read "me" as an id. An id that is not a UUID is a 422 validation error.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status

from application.ports.users import UserFilter
from application.users.admin import CreateUser, GetUser, ListUsers
from application.users.changes import ChangePassword, UpdateUser
from application.users.deletion import DeleteUser
from application.users.profiles import GetAvatar, GetProfile, SetAvatar, UpdateProfile
from domain.images import MAX_AVATAR_BYTES
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.common import NO_CONTROL_CHARACTERS
from entrypoints.http.schemas.profiles import ProfileOut, ProfileUpdate
from entrypoints.http.schemas.users import (
    PasswordChange,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
    UserUpdateMe,
)
from entrypoints.http.uploads import read_single_file

router = APIRouter(prefix="/users", tags=["users"])

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


@router.get("", responses=responses(401, 403, 422), description=ListUsers.__doc__)
async def list_users(
    actor: CurrentUser,
    page: PageParams,
    list_users: Use[ListUsers],
    q: Annotated[
        str | None,
        Query(
            max_length=254,
            pattern=NO_CONTROL_CHARACTERS,  # no e-mail or name contains one
            description="Part of the e-mail or name, any case.",
        ),
    ] = None,
    is_active: bool | None = None,
) -> UserPage:
    where = UserFilter(q=(q or "").strip() or None, is_active=is_active)
    return UserPage.of(await list_users(actor, where, page), UserOut.from_user)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 409, 422),
    description=CreateUser.__doc__,
)
async def create_user(
    body: UserCreate, actor: CurrentUser, create_user: Use[CreateUser]
) -> UserOut:
    return UserOut.from_user(await create_user(actor, body.account()))


@router.get("/me", responses=responses(401))
async def read_me(user: CurrentUser) -> UserOut:
    """The account of the caller."""
    return UserOut.from_user(user)


@router.patch("/me", responses=responses(401, 409, 422))
async def update_me(body: UserUpdateMe, user: CurrentUser, update_user: Use[UpdateUser]) -> UserOut:
    """Change the caller's e-mail and/or name; 409 `email_taken` when the e-mail is in use."""
    return UserOut.from_user(await update_user(user, user.id, body.changes()))


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(400, 401, 422),
    description=ChangePassword.__doc__,
)
async def change_password(
    body: PasswordChange,
    user: CurrentUser,
    change_password: Use[ChangePassword],
) -> None:
    await change_password(user, body.current_password, body.new_password)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 409))
async def delete_me(user: CurrentUser, delete_user: Use[DeleteUser]) -> None:
    """Delete the caller's account and everything it owns; 409 `last_superuser` for the only
    active superuser."""
    await delete_user(user, user.id)


# The caller's public profile and avatar.


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


# /{user_id}…: after every /me… route.


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


@router.get("/{user_id}", responses=responses(401, 404, 422), description=GetUser.__doc__)
async def read_user(user_id: uuid.UUID, actor: CurrentUser, get_user: Use[GetUser]) -> UserOut:
    return UserOut.from_user(await get_user(actor, user_id))


@router.patch(
    "/{user_id}", responses=responses(401, 403, 404, 409, 422), description=UpdateUser.__doc__
)
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    actor: CurrentUser,
    update_user: Use[UpdateUser],
) -> UserOut:
    return UserOut.from_user(await update_user(actor, user_id, body.changes()))


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 409, 422),
    description=DeleteUser.__doc__,
)
async def delete_user(user_id: uuid.UUID, actor: CurrentUser, delete_user: Use[DeleteUser]) -> None:
    await delete_user(actor, user_id)
