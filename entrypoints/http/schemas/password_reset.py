from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from domain.passwords import password_problems
from entrypoints.http.schemas.common import Email, RequestModel, Secret


class ForgotPasswordRequest(RequestModel):
    email: Email


class ResetPasswordRequest(RequestModel):
    token: Secret = Field(description="The token from the reset link in the e-mail.")
    new_password: Secret = Field(
        description="8 to 128 characters, with an upper-case letter, a lower-case letter and a"
        " digit; not the e-mail address."
    )

    @field_validator("new_password")
    @classmethod
    def _password_policy(cls, password: str) -> str:
        problems = password_problems(password)  # the e-mail rule is checked once it is known
        if problems:
            raise ValueError("password " + "; ".join(problems))
        return password


class ResetRequested(BaseModel):
    detail: str = "If an active account has this e-mail, a reset link is on its way."
