from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, status

from application.auth.login import LogIn
from application.auth.password_reset import RequestPasswordReset, ResetPassword
from application.auth.registration import NewAccount, RegisterUser
from application.auth.sessions import LogOut, RefreshTokens
from entrypoints.http.dependencies import Use
from entrypoints.http.errors import responses
from entrypoints.http.schemas.auth import LoginForm, RefreshRequest, RegisterRequest, Token
from entrypoints.http.schemas.password_reset import (
    ForgotPasswordRequest,
    ResetPasswordRequest,
    ResetRequested,
)
from entrypoints.http.schemas.users import UserOut

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    responses=responses(409, 422),
    description=RegisterUser.__doc__,
)
async def auth_register(body: RegisterRequest, register_user: Use[RegisterUser]) -> UserOut:
    user = await register_user(NewAccount(email=body.email, name=body.name, password=body.password))
    return UserOut.from_user(user)


@router.post("/login", responses=responses(401, 403, 422, 429), description=LogIn.__doc__)
async def auth_login(
    request: Request,
    form: Annotated[LoginForm, Form()],
    log_in: Use[LogIn],
) -> Token:
    # The peer, or the address X-Forwarded-For names when the peer is one of the trusted
    # proxies (FORWARDED_ALLOW_IPS; see the middleware stack).
    client = request.client.host if request.client else "unknown"
    return Token.from_pair(await log_in(form.username, form.password, client))


@router.post("/refresh", responses=responses(401, 422), description=RefreshTokens.__doc__)
async def auth_refresh(body: RefreshRequest, refresh_tokens: Use[RefreshTokens]) -> Token:
    return Token.from_pair(await refresh_tokens(body.refresh_token))


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 422),
    description=LogOut.__doc__,
)
async def auth_logout(body: RefreshRequest, log_out: Use[LogOut]) -> None:
    await log_out(body.refresh_token)


@router.post(
    "/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    responses=responses(422),
    description=RequestPasswordReset.__doc__,
)
async def auth_forgot_password(
    body: ForgotPasswordRequest,
    request_reset: Use[RequestPasswordReset],
) -> ResetRequested:
    await request_reset(body.email)
    return ResetRequested()


@router.post(
    "/reset-password",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(400, 422),
    description=ResetPassword.__doc__,
)
async def auth_reset_password(body: ResetPasswordRequest, reset: Use[ResetPassword]) -> None:
    await reset(body.token, body.new_password)
