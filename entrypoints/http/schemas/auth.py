from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from domain.passwords import password_policy_message
from domain.tokens import TokenPair
from entrypoints.http.schemas.common import (
    Email,
    Name,
    NewPassword,
    RequestModel,
    ResponseModel,
    Secret,
)


class RegisterRequest(RequestModel):
    email: Email
    name: Name
    password: NewPassword

    @field_validator("password")
    @classmethod
    def _not_the_email(cls, password: str, info: ValidationInfo) -> str:
        message = password_policy_message(password, info.data.get("email"))
        if message is not None:
            raise ValueError(message)
        return password


class LoginForm(BaseModel):
    """The OAuth2 password flow's form. The flow's other fields (`scope`, client
    credentials) are accepted and ignored, so Swagger's Authorize button works."""

    username: str = Field(description="The account's e-mail address.")
    password: Secret
    grant_type: Literal["password"] = Field(
        default="password", description="The OAuth2 grant; only `password` is accepted."
    )


class RefreshRequest(RequestModel):
    refresh_token: Secret


class Token(ResponseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 scheme name
    expires_in: int = Field(description="Lifetime of the access token in seconds.")

    @classmethod
    def from_pair(cls, pair: TokenPair) -> Token:
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            expires_in=pair.access_expires_in,
        )
