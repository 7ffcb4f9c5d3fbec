"""Every route that takes an e-mail takes one plain mailbox (422 otherwise), in one normal
form: look-alikes are the same address."""

from __future__ import annotations

import pytest

from tests.support.api import PASSWORD, register
from tests.support.assertions import assert_error, assert_validation_error, locations
from tests.support.people import person, superuser

HOSTILE = [
    '"victim@example.com"@example.net',
    '"a b"@example.com',
    "victim@example.com(comment)",
    "Victim <victim@example.com>",
    "friends: a@example.com, b@example.com;",
    "=?utf-8?q?victim=40example.com=2C?=x@example.net",
    "victim@example.com,attacker@example.net",
    "victim@example.com\uff0cattacker@example.net",
    "victim@example.com\r\nBcc: attacker@example.net",
    "vic tim@example.com",
    "victim\u200b@example.com",
    "victim\u00ad@example.com",
    "victim\u202e@example.com",
    "victim\x1b@example.com",
    "victim@localhost",
    "victim@[127.0.0.1]",
]


def _email_refused(response) -> None:
    problems = assert_validation_error(response)
    assert ("body", "email") in locations(problems), problems


@pytest.mark.parametrize("address", HOSTILE)
async def test_register_refuses_what_is_not_one_mailbox(client, address) -> None:
    body = {"email": address, "name": "Ann", "password": PASSWORD}
    _email_refused(await client.post("/api/v1/auth/register", json=body))


@pytest.mark.parametrize("address", HOSTILE)
async def test_forgot_password_refuses_what_is_not_one_mailbox(client, address) -> None:
    _email_refused(await client.post("/api/v1/auth/forgot-password", json={"email": address}))


@pytest.mark.parametrize("address", HOSTILE)
async def test_a_superuser_cannot_create_such_an_account(client, address) -> None:
    root = await superuser(client)
    body = {"email": address, "name": "Made", "password": PASSWORD}
    _email_refused(await client.post("/api/v1/users", headers=root.headers, json=body))


@pytest.mark.parametrize("address", HOSTILE)
async def test_nobody_changes_an_e_mail_to_such_an_address(client, address) -> None:
    ann, root = await person(client), await superuser(client)
    own = {"email": address, "current_password": PASSWORD}
    _email_refused(await client.patch("/api/v1/users/me", headers=ann.headers, json=own))
    by_root = await client.patch(
        f"/api/v1/users/{ann.id}", headers=root.headers, json={"email": address}
    )
    _email_refused(by_root)
    me = await client.get("/api/v1/users/me", headers=ann.headers)
    assert me.json()["email"] == ann.email


@pytest.mark.parametrize("address", HOSTILE[:6])
async def test_login_with_such_an_address_is_just_a_failed_login(client, address) -> None:
    response = await client.post(
        "/api/v1/auth/login", data={"username": address, "password": PASSWORD}
    )
    assert_error(response, 401, "invalid_credentials")


@pytest.mark.parametrize(
    "look_alike",
    [
        "\uff41\uff4e\uff4e@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff43\uff4f\uff4d",
        "ANN@EXAMPLE.COM",
        "ann@EXAMPLE\uff0eCOM",  # a full-width full stop
    ],
)
async def test_a_look_alike_of_a_taken_address_is_taken(client, look_alike) -> None:
    await register(client, email="ann@example.com")
    body = {"email": look_alike, "name": "Eve", "password": "Other-Password-2"}
    assert_error(await client.post("/api/v1/auth/register", json=body), 409, "email_taken")
    # and it is the same account for logging in
    response = await client.post(
        "/api/v1/auth/login", data={"username": look_alike, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text


async def test_the_published_schema_states_the_rule(client) -> None:
    schema = (await client.get("/openapi.json")).json()
    email = schema["components"]["schemas"]["RegisterRequest"]["properties"]["email"]
    assert email["format"] == "email"
    assert "encoded word" in email["description"] and "NFKC" in email["description"]


async def test_an_address_under_the_reserved_test_domain_is_one_mailbox_too(client) -> None:
    body = {"email": "ann@mail.example.test", "name": "Ann", "password": PASSWORD}
    response = await client.post("/api/v1/auth/register", json=body)
    assert response.status_code == 201, response.text
