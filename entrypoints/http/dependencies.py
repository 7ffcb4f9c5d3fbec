"""FastAPI dependencies: use cases from the app's container, and the authenticated caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from domain.errors import NotAuthenticated
from domain.users import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def use(provider_name: str) -> Any:
    """Depends() on a provider of the container attached to the running app.

    Reading the container from `request.app` rather than wiring modules keeps several apps
    (tests, workers) in one process independent of each other.
    """

    async def resolve(request: Request) -> Any:
        return getattr(request.app.state.container, provider_name)()

    return Depends(resolve)


async def current_user(
    request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> User:
    if not token:
        raise NotAuthenticated()
    return await request.app.state.container.authenticate()(token)


CurrentUser = Annotated[User, Depends(current_user)]
