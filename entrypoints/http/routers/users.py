"""`/users`: the list and creation of accounts, and the caller's own account (`/me`).

The `/me…` routes are registered before the `/{user_id}…` ones, which would otherwise try to
read "me" as an id. An id that is not a UUID is a 422 validation error.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from application.ports.users import UserFilter
from application.user_admin import CreateUser, ListUsers
from application.user_changes import ChangePassword, UpdateUser
from application.user_deletion import DeleteUser
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.pagination import PageParams
from entrypoints.http.routers import profiles, user_by_id
from entrypoints.http.schemas.common import NO_CONTROL_CHARACTERS
from entrypoints.http.schemas.users import (
    PasswordChange,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdateMe,
)

router = APIRouter(prefix="/users", tags=["users"])


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
async def delete_me(user: CurrentUser, delete_user: Use[DeleteUser]):
    """Delete the caller's account and everything it owns; 409 `last_superuser` for the only
    active superuser."""
    await delete_user(user, user.id)


router.include_router(profiles.router)
router.include_router(user_by_id.router)
