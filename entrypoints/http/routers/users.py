from __future__ import annotations

from fastapi import APIRouter

from entrypoints.http.dependencies import CurrentUser
from entrypoints.http.errors import responses
from entrypoints.http.schemas.users import UserOut

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", responses=responses(401))
async def read_me(user: CurrentUser) -> UserOut:
    """The account of the caller."""
    return UserOut.from_user(user)
