from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from pydantic import Field, StringConstraints

from application.users.profiles import AvatarLinks
from domain.users import MAX_BIO_LENGTH, TEXT_CONTROL_CHARACTERS, User
from entrypoints.http.schemas.common import RequestModel, ResponseModel

AVATAR_PATH = "/api/v1/users/{user_id}/avatar"


class ProfileOut(ResponseModel):
    """What every signed-in user may see of an active account."""

    user_id: uuid.UUID
    name: str
    bio: str | None
    avatar_url: str | None = Field(
        description="Relative URL of the avatar image, or null. It works without a token (for"
        " `<img src>`) and changes when the avatar is replaced; the old one then stops working."
    )

    @classmethod
    def of(cls, user: User, links: AvatarLinks) -> ProfileOut:
        link = links.link(user)
        avatar_url = None
        if link is not None:
            query = urlencode({"v": link.version, "sig": link.signature})
            avatar_url = f"{AVATAR_PATH.format(user_id=user.id)}?{query}"
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
