"""Small helpers that speak the HTTP contract, so tests read as stories."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

PASSWORD = "Correct-Horse-9"
_counter = itertools.count(1)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_counter)}@example.com"


async def register(
    client: httpx.AsyncClient, email: str | None = None, password: str = PASSWORD, name: str = "Ann"
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/register",
        json={"email": email or unique_email(), "name": name, "password": password},
    )
    assert response.status_code == 201, response.text
    return response.json()


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/login", data={"username": email, "password": password}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def signed_up(client: httpx.AsyncClient, **kwargs: Any) -> tuple[dict, dict[str, str]]:
    """Register and log in a new user; returns (user, Authorization headers)."""
    user = await register(client, **kwargs)
    tokens = await login(client, user["email"], kwargs.get("password", PASSWORD))
    return user, bearer(tokens["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
