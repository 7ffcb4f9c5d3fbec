"""Signed-in people for HTTP tests: ordinary users and superusers, with their tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from application.auth.registration import NewAccount
from tests.support.api import PASSWORD, bearer, login, register, unique_email


@dataclass
class Person:
    user: dict[str, Any]
    tokens: dict[str, Any]

    @property
    def id(self) -> str:
        return self.user["id"]

    @property
    def email(self) -> str:
        return self.user["email"]

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.tokens["access_token"])


async def person(client: httpx.AsyncClient, **kwargs: Any) -> Person:
    """A new ordinary user, registered and logged in."""
    user = await register(client, **kwargs)
    return Person(user, await login(client, user["email"], kwargs.get("password", PASSWORD)))


async def superuser(client: httpx.AsyncClient, email: str | None = None) -> Person:
    """A new active superuser (made through the container: only superusers make them)."""
    account = NewAccount(
        email=email or unique_email("root"), name="Root", password=PASSWORD, is_superuser=True
    )
    created = await client.container.auth.register_user()(account)  # type: ignore[attr-defined]
    tokens = await login(client, created.email)
    response = await client.get("/api/v1/users/me", headers=bearer(tokens["access_token"]))
    assert response.status_code == 200, response.text
    return Person(response.json(), tokens)
