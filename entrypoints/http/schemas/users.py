from __future__ import annotations

import uuid

from pydantic import Field

from application.auth.registration import NewAccount
from application.users.changes import UserChanges
from domain.users import User
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import (
    Email,
    Name,
    NewPassword,
    PolicyPassword,
    RequestModel,
    ResponseModel,
    Secret,
    UtcDatetime,
)


class UserOut(ResponseModel):
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


class UserPage(PageOut[UserOut]):
    """A page of accounts."""


# Optional fields below are typed without `None`: leaving a field out keeps the current value,
# while an explicit null is refused (422) rather than quietly ignored.


class UserUpdateMe(RequestModel):
    email: Email = Field(default=None)  # type: ignore[assignment]
    name: Name = Field(default=None)  # type: ignore[assignment]
    current_password: Secret = Field(  # type: ignore[assignment]
        default=None,
        description=(
            "The caller's password: needed to change the caller's own e-mail (422 without it,"
            " 400 `invalid_password` when wrong); a superuser changing someone else's e-mail"
            " needs none."
        ),
    )

    def changes(self) -> UserChanges:
        return UserChanges(**self.model_dump(exclude_unset=True))


# On the superuser-only bodies below the password policy is checked by the use case, after
# the permission check: whoever may not set a password gets 403 for any password, weak or not.


class UserUpdate(UserUpdateMe):
    password: PolicyPassword = Field(default=None)  # type: ignore[assignment]
    is_active: bool = Field(default=None)  # type: ignore[assignment]
    is_superuser: bool = Field(default=None)  # type: ignore[assignment]


class UserCreate(RequestModel):
    email: Email
    name: Name
    password: PolicyPassword
    is_active: bool = True
    is_superuser: bool = False

    def account(self) -> NewAccount:
        return NewAccount(**self.model_dump())


class PasswordChange(RequestModel):
    current_password: Secret
    new_password: NewPassword  # the e-mail rule is checked by the use case
