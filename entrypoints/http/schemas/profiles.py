from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from domain.users import MAX_BIO_LENGTH, TEXT_CONTROL_CHARACTERS, User
from entrypoints.http.schemas.common import RequestModel

AVATAR_PATH = "/api/v1/users/{user_id}/avatar"


class ProfileOut(BaseModel):
    """What every signed-in user may see of an active account."""

    user_id: uuid.UUID
    name: str
    bio: str | None
    avatar_url: str | None = Field(
        description="Relative URL of the avatar image (changes when it is replaced), or null."
    )

    @classmethod
    def from_user(cls, user: User) -> ProfileOut:
        avatar_url = None
        if user.avatar_version is not None:
            avatar_url = AVATAR_PATH.format(user_id=user.id) + f"?v={user.avatar_version}"
        return cls(user_id=user.id, name=user.name, bio=user.bio, avatar_url=avatar_url)


class ProfileUpdate(RequestModel):
    bio: (
        Annotated[
            str,
            StringConstraints(
                max_length=MAX_BIO_LENGTH, pattern=f"^[^{TEXT_CONTROL_CHARACTERS}]*$"
            ),
        ]
        | None
    ) = Field(
        default=None,
        description=f"0 to {MAX_BIO_LENGTH} characters, line breaks and tabs allowed but no"
        " other control character; null clears it.",
    )
