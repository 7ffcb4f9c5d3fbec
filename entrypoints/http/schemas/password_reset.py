from __future__ import annotations

from pydantic import Field

from entrypoints.http.schemas.common import Email, NewPassword, RequestModel, ResponseModel, Secret


class ForgotPasswordRequest(RequestModel):
    email: Email


class ResetPasswordRequest(RequestModel):
    token: Secret = Field(description="The token from the reset link in the e-mail.")
    new_password: NewPassword  # the e-mail rule is checked once the e-mail is known


class ResetRequested(ResponseModel):
    detail: str = "If an active account has this e-mail, a reset link is on its way."
