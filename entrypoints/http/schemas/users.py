from __future__ import annotations

import uuid

from pydantic import BaseModel

from domain.users import User
from entrypoints.http.schemas.common import UtcDatetime


class UserOut(BaseModel):
    """A user account as clients see it: never the password hash."""

    id: uuid.UUID
    email: str
    name: str
    is_active: bool
    is_superuser: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def from_user(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            is_active=user.is_active,
            is_superuser=user.is_superuser,
            created_at=user.created_at,
            updated_at=user.updated_at,
        )
