"""`/users`: the list and creation of accounts, the caller's own account (`/me`), public
profiles and avatars, and one account by id (for its owner or a superuser; 404 for anyone
else).

The `/me…` routes are registered before the `/{user_id}…` ones, which would otherwise try to
read "me" as an id. An id that is not a UUID is a 422 validation error.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response, status

from application.auth.sessions import Authenticate
from application.ports.users import UserFilter
from application.users.admin import CreateUser, GetUser, ListUsers
from application.users.changes import ChangePassword, UpdateUser
from application.users.deletion import DeleteUser
from application.users.profiles import (
    AvatarLink,
    AvatarLinks,
    GetAvatar,
    GetProfile,
    SetAvatar,
    UpdateProfile,
)
from domain.images import MAX_AVATAR_BYTES
from entrypoints.http.dependencies import CurrentUser, Use, current_user, oauth2_scheme
from entrypoints.http.errors import responses
from entrypoints.http.openapi import multipart_body
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

_AVATAR_UPLOAD = multipart_body(
    "AvatarUpload", {"file": {"type": "string", "format": "binary"}}, required=["file"]
)
_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


@router.get("", responses=responses(401, 403, 422), description=ListUsers.__doc__)
async def users_list(
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
async def users_create(
    body: UserCreate, actor: CurrentUser, create_user: Use[CreateUser]
) -> UserOut:
    return UserOut.from_user(await create_user(actor, body.account()))


@router.get("/me", responses=responses(401))
async def users_get_me(user: CurrentUser) -> UserOut:
    """The account of the caller."""
    return UserOut.from_user(user)


@router.patch("/me", responses=responses(400, 401, 409, 422))
async def users_update_me(
    body: UserUpdateMe, user: CurrentUser, update_user: Use[UpdateUser]
) -> UserOut:
    """Change the caller's e-mail and/or name; 409 `email_taken` when the e-mail is in use.
    A new e-mail needs `current_password` (422 without it, 400 `invalid_password` when
    wrong); a notice naming it is mailed to the old address, and every outstanding
    password-reset link stops working."""
    return UserOut.from_user(await update_user(user, user.id, body.changes()))


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(400, 401, 422),
    description=ChangePassword.__doc__,
)
async def users_change_password(
    body: PasswordChange,
    user: CurrentUser,
    change_password: Use[ChangePassword],
) -> None:
    await change_password(user, body.current_password, body.new_password)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, responses=responses(401, 409))
async def users_delete_me(user: CurrentUser, delete_user: Use[DeleteUser]) -> None:
    """Delete the caller's account and everything it owns; 409 `last_superuser` for the only
    active superuser."""
    await delete_user(user, user.id)


# The caller's public profile and avatar.


@router.get("/me/profile", responses=responses(401))
async def users_get_my_profile(
    actor: CurrentUser, get_profile: Use[GetProfile], links: Use[AvatarLinks]
) -> ProfileOut:
    """The caller's public profile."""
    return ProfileOut.of(await get_profile(actor, actor.id), links)


@router.patch("/me/profile", responses=responses(401, 422), description=UpdateProfile.__doc__)
async def users_update_my_profile(
    body: ProfileUpdate,
    actor: CurrentUser,
    update_profile: Use[UpdateProfile],
    links: Use[AvatarLinks],
) -> ProfileOut:
    changes = body.model_dump(exclude_unset=True)
    return ProfileOut.of(await update_profile(actor, changes), links)


@router.put(
    "/me/avatar",
    responses=responses(401, 413, 415, 422),
    description=SetAvatar.__doc__,
    openapi_extra=_AVATAR_UPLOAD,
)
async def users_set_my_avatar(
    request: Request, actor: CurrentUser, set_avatar: Use[SetAvatar], links: Use[AvatarLinks]
) -> ProfileOut:
    content = await read_single_file(request, field_name="file", max_bytes=MAX_AVATAR_BYTES)
    return ProfileOut.of(await set_avatar(actor, content), links)


# /{user_id}…: after every /me… route.


@router.get(
    "/{user_id}/profile", responses=responses(401, 404, 422), description=GetProfile.__doc__
)
async def users_get_profile(
    user_id: uuid.UUID, actor: CurrentUser, get_profile: Use[GetProfile], links: Use[AvatarLinks]
) -> ProfileOut:
    return ProfileOut.of(await get_profile(actor, user_id), links)


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
    # The signed link needs no token: say that the scheme is optional here.
    openapi_extra={"security": [{}, {"OAuth2PasswordBearer": []}]},
)
async def users_get_avatar(
    user_id: uuid.UUID,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    authenticate: Use[Authenticate],
    get_avatar: Use[GetAvatar],
    v: Annotated[
        str | None, Query(max_length=64, description="The avatar's version (from `avatar_url`).")
    ] = None,
    sig: Annotated[
        str | None, Query(max_length=512, description="The server's signature (from `avatar_url`).")
    ] = None,
) -> Response:
    link = AvatarLink(v, sig) if v and sig else None
    image = await get_avatar(user_id, link, lambda: current_user(token, authenticate))
    # A signed link names one version of one avatar: the bytes behind it never change.
    headers = {"Cache-Control": "private, max-age=86400"} if image.cacheable else None
    return Response(content=image.content, media_type=image.media_type, headers=headers)


@router.get("/{user_id}", responses=responses(401, 404, 422), description=GetUser.__doc__)
async def users_get(user_id: uuid.UUID, actor: CurrentUser, get_user: Use[GetUser]) -> UserOut:
    return UserOut.from_user(await get_user(actor, user_id))


@router.patch(
    "/{user_id}",
    responses=responses(400, 401, 403, 404, 409, 422),
    description=UpdateUser.__doc__,
)
async def users_update(
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
async def users_delete(
    user_id: uuid.UUID, actor: CurrentUser, delete_user: Use[DeleteUser]
) -> None:
    await delete_user(actor, user_id)
