"""POST /api/v1/auth/register over HTTP, on SQLite."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.api import PASSWORD, login, register
from tests.support.assertions import assert_error, assert_validation_error, locations

REGISTER = "/api/v1/auth/register"
USER_FIELDS = {"id", "email", "name", "is_active", "is_superuser", "created_at", "updated_at"}


async def test_register_returns_the_user_and_never_a_hash(client) -> None:
    response = await client.post(
        REGISTER, json={"email": " Ann.Smith@Example.COM ", "name": " Ann ", "password": PASSWORD}
    )
    assert response.status_code == 201, response.text
    user = response.json()
    assert set(user) == USER_FIELDS
    assert user["email"] == "ann.smith@example.com"
    assert user["name"] == "Ann"
    assert (user["is_active"], user["is_superuser"]) == (True, False)
    assert "argon2" not in response.text and PASSWORD not in response.text
    for field in ("created_at", "updated_at"):
        assert user[field].endswith("+00:00"), user[field]
        assert datetime.fromisoformat(user[field]).utcoffset() == timedelta(0)


@pytest.mark.parametrize("again", ["ann@example.com", "ANN@Example.com", "  ann@EXAMPLE.com"])
async def test_a_taken_email_is_409_whatever_its_case(client, again) -> None:
    await register(client, email="Ann@example.com")
    response = await client.post(
        REGISTER, json={"email": again, "name": "Other", "password": "Other-Password-2"}
    )
    assert_error(response, 409, "email_taken")


@pytest.mark.parametrize(
    "password",
    ["Short1a", "nouppercase1", "NOLOWERCASE1", "NoDigitsHere", "Aa1" * 43, "ann@example.com"],
)
async def test_a_weak_password_is_422_and_never_echoed(client, password) -> None:
    response = await client.post(
        REGISTER, json={"email": "ann@example.com", "name": "Ann", "password": password}
    )
    problems = assert_validation_error(response, password)
    assert locations(problems) == {("body", "password")}


async def test_the_password_may_not_be_the_email_in_another_case(client) -> None:
    response = await client.post(
        REGISTER, json={"email": "Abcdef12@x.io", "name": "Ann", "password": "aBCDEF12@X.IO"}
    )
    assert_validation_error(response, "aBCDEF12@X.IO")


async def test_mass_assignment_is_refused(client) -> None:
    body = {"email": "ann@example.com", "name": "Ann", "password": PASSWORD, "is_superuser": True}
    response = await client.post(REGISTER, json=body)
    problems = assert_validation_error(response, PASSWORD)
    assert locations(problems) == {("body", "is_superuser")}
    # Nothing was created: the e-mail is still free, and an ordinary user it is.
    assert (await register(client, email="ann@example.com"))["is_superuser"] is False


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"name": "Ann", "password": PASSWORD}, ("body", "email")),
        ({"email": "ann@example.com", "password": PASSWORD}, ("body", "name")),
        ({"email": "ann@example.com", "name": "Ann"}, ("body", "password")),
        ({"email": "not-an-email", "name": "Ann", "password": PASSWORD}, ("body", "email")),
        ({"email": "ann@example.com", "name": "   ", "password": PASSWORD}, ("body", "name")),
        ({"email": "ann@example.com", "name": "x" * 101, "password": PASSWORD}, ("body", "name")),
        ({"email": "ann@example.com", "name": "Ann", "password": 12345678}, ("body", "password")),
    ],
)
async def test_missing_or_malformed_fields_are_422(client, body, where) -> None:
    response = await client.post(REGISTER, json=body)
    problems = assert_validation_error(response, PASSWORD)
    assert where in locations(problems)


@pytest.mark.parametrize(
    "content",
    [b'{"email": "ann@example.com", "password": "' + PASSWORD.encode() + b'"', b"", b"[1, 2"],
)
async def test_malformed_json_is_422(client, content) -> None:
    response = await client.post(
        REGISTER, content=content, headers={"Content-Type": "application/json"}
    )
    assert_validation_error(response, PASSWORD)


@pytest.mark.parametrize(
    "body",
    [[PASSWORD], PASSWORD, {"email": "ann@example.com", "name": "Ann", "password": [PASSWORD]}],
)
async def test_a_body_of_the_wrong_shape_never_echoes_a_password(client, body) -> None:
    assert_validation_error(await client.post(REGISTER, json=body), PASSWORD)


async def test_passwords_are_taken_exactly_as_sent(client) -> None:
    spaced = f"  {PASSWORD}  "
    user = await register(client, email="ann@example.com", password=spaced)
    await login(client, user["email"], spaced)
    response = await client.post(
        "/api/v1/auth/login", data={"username": "ann@example.com", "password": PASSWORD}
    )
    assert_error(response, 401, "invalid_credentials")
