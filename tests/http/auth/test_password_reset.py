"""POST /auth/forgot-password and /auth/reset-password, through the app, on every SQL backend."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from dependency_injector import providers

from tests.support.api import PASSWORD, bearer, login, register, signed_up, unique_email
from tests.support.clock import FakeClock
from tests.support.mail import mail_to, reset_link

FORGOT = "/api/v1/auth/forgot-password"
RESET = "/api/v1/auth/reset-password"
NEW_PASSWORD = "Fresh-Start-2024"
FRONTEND = "https://app.example.com"


@pytest.fixture
async def client(make_client, sql_database_url) -> httpx.AsyncClient:
    return await make_client(sql_database_url, email_backend="memory", frontend_url=FRONTEND)


async def reset_token_for(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post(FORGOT, json={"email": email})
    assert response.status_code == 202, response.text
    mail = await mail_to(client.container.email.email_sender(), email, "password_reset")
    url, token = reset_link(mail)
    assert url == f"{FRONTEND}/reset-password?token={token}"
    return token


async def test_register_sends_a_welcome_email(client) -> None:
    user = await register(client)
    welcome = await mail_to(client.container.email.email_sender(), user["email"], "welcome")
    assert "Ann" in welcome.body


async def test_forgot_answers_the_same_for_known_and_unknown_emails(client) -> None:
    user = await register(client)
    known = await client.post(FORGOT, json={"email": user["email"].upper()})
    unknown = await client.post(FORGOT, json={"email": unique_email("ghost")})
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    await mail_to(client.container.email.email_sender(), user["email"], "password_reset")
    await asyncio.sleep(0.2)  # give a wrongly queued message time to show up
    sent = client.container.email.email_sender().sent
    assert {m.to for m in sent} == {user["email"]}


async def test_reset_sets_the_password_and_ends_every_session(client) -> None:
    user, headers = await signed_up(client)
    tokens = await login(client, user["email"])
    reset_token = await reset_token_for(client, user["email"])

    response = await client.post(RESET, json={"token": reset_token, "new_password": NEW_PASSWORD})
    assert response.status_code == 204, response.text

    me = await client.get("/api/v1/users/me", headers=headers)
    assert me.status_code == 401 and me.json()["code"] == "invalid_token"
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    old = await client.post(
        "/api/v1/auth/login", data={"username": user["email"], "password": PASSWORD}
    )
    assert old.status_code == 401
    fresh = await login(client, user["email"], NEW_PASSWORD)
    me = await client.get("/api/v1/users/me", headers=bearer(fresh["access_token"]))
    assert me.status_code == 200 and me.json()["id"] == user["id"]


async def test_a_reset_token_works_once(client) -> None:
    user = await register(client)
    reset_token = await reset_token_for(client, user["email"])
    first = await client.post(RESET, json={"token": reset_token, "new_password": NEW_PASSWORD})
    second = await client.post(RESET, json={"token": reset_token, "new_password": "Other-Pass-42"})
    assert first.status_code == 204
    assert second.status_code == 400
    assert second.json()["code"] == "invalid_token"
    await login(client, user["email"], NEW_PASSWORD)


async def test_an_expired_reset_token_is_refused(client) -> None:
    clock = FakeClock()
    client.container.core.clock.override(providers.Object(clock))
    user = await register(client)
    reset_token = await reset_token_for(client, user["email"])
    clock.advance(timedelta(minutes=60))
    response = await client.post(RESET, json={"token": reset_token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The reset token is invalid, used or expired.",
        "code": "invalid_token",
    }


@pytest.mark.parametrize("token", ["", "garbage", "a" * 2000])
async def test_a_made_up_token_is_refused(client, token) -> None:
    response = await client.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


@pytest.mark.parametrize("weak", ["short1A", "alllowercase1", "NoDigitsHere", "x" * 129])
async def test_a_weak_new_password_is_422_and_leaves_the_token_usable(client, weak) -> None:
    user = await register(client)
    reset_token = await reset_token_for(client, user["email"])
    response = await client.post(RESET, json={"token": reset_token, "new_password": weak})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert weak not in response.text and reset_token not in response.text
    ok = await client.post(RESET, json={"token": reset_token, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_the_new_password_may_not_be_the_email(client) -> None:
    email = unique_email("Pass.Word")  # upper, lower and digits: only the e-mail rule bites
    user = await register(client, email=email)
    reset_token = await reset_token_for(client, user["email"])
    response = await client.post(RESET, json={"token": reset_token, "new_password": email})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "new_password"]
    ok = await client.post(RESET, json={"token": reset_token, "new_password": NEW_PASSWORD})
    assert ok.status_code == 204


async def test_a_new_password_that_is_not_valid_text_is_422_not_a_crash(client) -> None:
    user = await register(client)
    reset_token = await reset_token_for(client, user["email"])
    # A lone surrogate is valid JSON but cannot be encoded, so it cannot be hashed either.
    raw = '{"token": "' + reset_token + '", "new_password": "Abcdefg1\\ud800"}'
    response = await client.post(RESET, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "new_password"]


async def test_two_concurrent_resets_with_one_token_let_exactly_one_through(client) -> None:
    user = await register(client)
    reset_token = await reset_token_for(client, user["email"])
    passwords = ["Racer-One-111", "Racer-Two-222"]
    responses = await asyncio.gather(
        *(client.post(RESET, json={"token": reset_token, "new_password": p}) for p in passwords)
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [204, 400]
    winner = passwords[[r.status_code for r in responses].index(204)]
    await login(client, user["email"], winner)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (FORGOT, {}),
        (FORGOT, {"email": "not-an-email"}),
        (FORGOT, {"email": "a@example.com", "is_superuser": True}),
        (RESET, {"token": "t"}),
        (RESET, {"token": "t", "new_password": NEW_PASSWORD, "email": "a@example.com"}),
    ],
)
async def test_malformed_bodies_are_422(client, path, body) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


async def test_the_operations_are_documented(client) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    forgot = paths["/api/v1/auth/forgot-password"]["post"]
    reset = paths["/api/v1/auth/reset-password"]["post"]
    assert set(forgot["responses"]) == {"202", "413", "422", "503"}
    assert set(reset["responses"]) >= {"204", "400", "422"}
    assert "single-use" in forgot["description"]
