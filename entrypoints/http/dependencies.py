"""FastAPI dependencies: use cases from the app's container, and the authenticated caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from fastapi import Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer
from starlette.requests import HTTPConnection, Request

from application.auth.sessions import Authenticate
from domain.errors import NotAuthenticated
from domain.users import User
from entrypoints.containers import Container, use_cases
from entrypoints.http.middleware.routes import flattened
from entrypoints.settings import Settings

LOGIN_PATH = "/api/v1/auth/login"  # where the OAuth2 password flow gets its tokens
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=LOGIN_PATH, auto_error=False)
T = TypeVar("T")


class _UseCase:
    """The dependency behind `Use[cls]`: the app's provider of `cls`, called per request.

    Reading the providers from `request.app` rather than wiring modules keeps several apps
    (tests, workers) in one process independent of each other."""

    def __init__(self, use_case: type) -> None:
        self.use_case = use_case

    async def __call__(self, connection: HTTPConnection) -> Any:
        # An HTTPConnection, so WebSocket routes get their use cases the same way.
        return connection.app.state.use_cases[self.use_case]()


@cache
def _dependency(use_case: type) -> _UseCase:
    return _UseCase(use_case)  # one per class, so FastAPI resolves it once per request


if TYPE_CHECKING:
    # For the type checker `Use[LogIn]` is a LogIn.
    Use: TypeAlias = Annotated[T, "a use case from the app's container"]
else:

    class Use:
        """`log_in: Use[LogIn]` in a route's signature: the use case built by whichever
        resource container provides that class. `create_app` checks at start-up that every
        use case a route asks for has a provider."""

        def __class_getitem__(cls, use_case: type) -> Any:
            return Annotated[use_case, Depends(_dependency(use_case))]


def install_use_cases(app: FastAPI, container: Container) -> None:
    """Attach the container's use cases to `app`; refuse to start when a route asks for one
    that no container provides (a typo or a forgotten provider fails here, not on a request)."""
    provided = use_cases(container)
    missing = sorted(
        {
            f"{route.path}: {call.use_case.__qualname__}"
            for route in flattened(app.routes)
            if isinstance(getattr(route, "dependant", None), Dependant)
            for call in _calls(route.dependant)
            if isinstance(call, _UseCase) and call.use_case not in provided
        }
    )
    if missing:
        raise RuntimeError("no container provides the use cases of " + ", ".join(missing))
    app.state.use_cases = provided


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


async def current_user(token: str | None, authenticate: Authenticate) -> User:
    """The caller by `token` (a route that also takes signed links calls this itself)."""
    if not token:
        raise NotAuthenticated()
    return await authenticate(token)


class _Caller(OAuth2PasswordBearer):
    """The caller of a route, by its bearer token, as one dependency.

    Reading the header, finding the use case and authenticating in one step leaves FastAPI
    one dependency to solve per request where the token, the use case and the caller were
    three (a tenth of GET /users/me's CPU). It is still the OAuth2 scheme: the schema is
    unchanged."""

    def __init__(self, *, required: bool) -> None:
        super().__init__(
            tokenUrl=LOGIN_PATH,
            scheme_name=oauth2_scheme.scheme_name,
            auto_error=False,
        )
        self._required = required

    async def __call__(self, request: Request) -> User | None:  # type: ignore[override]
        token = await super().__call__(request)
        if not token and not self._required:
            return None
        return await current_user(token, request.app.state.use_cases[Authenticate]())


CurrentUser = Annotated[User, Depends(_Caller(required=True))]
# The caller on routes open to anyone: None without a token; a token that is sent must be
# valid (401 otherwise), so a client never mistakes a dead session for anonymity.
MaybeUser = Annotated[User | None, Depends(_Caller(required=False))]


async def _settings(connection: HTTPConnection) -> Settings:
    settings: Settings = connection.app.state.container.settings()
    return settings


AppSettings = Annotated[Settings, Depends(_settings)]
