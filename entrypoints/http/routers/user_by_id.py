"""`/users/{user_id}`: one account, for its owner or a superuser; 404 for anyone else."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from application.user_admin import GetUser
from application.user_changes import UpdateUser
from application.user_deletion import DeleteUser
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.schemas.users import UserOut, UserUpdate

router = APIRouter()


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
