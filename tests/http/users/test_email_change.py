"""Changing an e-mail: one's own needs the current password, and the old address is told
(SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.api import PASSWORD, login
from tests.support.assertions import assert_error, assert_validation_error, locations
from tests.support.mail import mail_to
from tests.support.people import Person, person, superuser

USERS = "/api/v1/users"
ME = f"{USERS}/me"


@pytest.fixture
async def api(make_client, sql_database_url) -> httpx.AsyncClient:
    return await make_client(sql_database_url, email_backend="memory")


def kinds_to(api: httpx.AsyncClient, address: str) -> list[str]:
    sender = api.container.email.email_sender()  # type: ignore[attr-defined]
    return [m.kind for m in sender.sent_to(address)]


async def notices_sent(api: httpx.AsyncClient) -> list[str]:
    await asyncio.sleep(0.3)  # give a wrongly queued notice time to be delivered
    sent = api.container.email.email_sender().sent  # type: ignore[attr-defined]
    return [m.to for m in sent if m.kind == "email_changed"]


def own_paths(who: Person) -> list[str]:
    return [ME, f"{USERS}/{who.id}"]


@pytest.mark.parametrize("through", ["me", "id"])
async def test_without_the_current_password_ones_own_e_mail_stays_422(api, through) -> None:
    ann = await person(api)
    path = ME if through == "me" else f"{USERS}/{ann.id}"
    response = await api.patch(path, headers=ann.headers, json={"email": "new@example.com"})
    problems = assert_validation_error(response)
    assert locations(problems) == {("body", "current_password")}
    assert (await api.get(ME, headers=ann.headers)).json()["email"] == ann.email


@pytest.mark.parametrize("through", ["me", "id"])
async def test_a_wrong_current_password_is_400_and_changes_nothing(api, through) -> None:
    ann = await person(api)
    path = ME if through == "me" else f"{USERS}/{ann.id}"
    body = {"email": "new@example.com", "current_password": "Wrong-Password-1"}
    response = await api.patch(path, headers=ann.headers, json=body)
    assert_error(response, 400, "invalid_password")
    assert "Wrong-Password-1" not in response.text
    assert (await api.get(ME, headers=ann.headers)).json()["email"] == ann.email


@pytest.mark.parametrize("through", ["me", "id"])
async def test_the_right_password_changes_it_and_the_old_address_is_told(api, through) -> None:
    ann = await person(api)
    path = ME if through == "me" else f"{USERS}/{ann.id}"
    body = {"email": "Ann.New@Example.com", "current_password": PASSWORD}
    response = await api.patch(path, headers=ann.headers, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "ann.new@example.com"
    notice = await mail_to(api.container.email.email_sender(), ann.email, "email_changed")
    assert "ann.new@example.com" in notice.body and ann.email in notice.body
    assert "email_changed" not in kinds_to(api, "ann.new@example.com")
    await login(api, "ann.new@example.com")


async def test_a_superuser_changing_their_own_e_mail_needs_their_password_too(api) -> None:
    root = await superuser(api)
    for path in own_paths(root):
        response = await api.patch(path, headers=root.headers, json={"email": "r@example.com"})
        assert_validation_error(response)


async def test_a_superuser_changes_someone_elses_e_mail_without_a_password(api) -> None:
    ann, root = await person(api), await superuser(api)
    response = await api.patch(
        f"{USERS}/{ann.id}", headers=root.headers, json={"email": "moved@example.com"}
    )
    assert response.status_code == 200, response.text
    notice = await mail_to(api.container.email.email_sender(), ann.email, "email_changed")
    assert "moved@example.com" in notice.body


async def test_a_name_or_the_same_e_mail_needs_no_password_and_tells_nobody(api) -> None:
    ann = await person(api)
    for body in ({"name": "Annie"}, {"email": ann.email.upper()}, {"email": ann.email}):
        response = await api.patch(ME, headers=ann.headers, json=body)
        assert response.status_code == 200, response.text
    assert response.json()["email"] == ann.email
    assert await notices_sent(api) == []


async def test_a_refused_change_queues_no_notice(api) -> None:
    ann, bob = await person(api), await person(api)
    taken = {"email": ann.email, "current_password": PASSWORD}
    assert_error(await api.patch(ME, headers=bob.headers, json=taken), 409, "email_taken")
    wrong = {"email": "x@example.com", "current_password": "Wrong-Password-1"}
    assert_error(await api.patch(ME, headers=bob.headers, json=wrong), 400, "invalid_password")
    assert await notices_sent(api) == []


async def test_the_schema_publishes_current_password_and_the_400(api) -> None:
    schema = (await api.get("/openapi.json")).json()
    for name in ("UserUpdateMe", "UserUpdate"):
        field = schema["components"]["schemas"][name]["properties"]["current_password"]
        assert field["type"] == "string" and "invalid_password" in field["description"]
    for path in ("/api/v1/users/me", "/api/v1/users/{user_id}"):
        assert "400" in schema["paths"][path]["patch"]["responses"]
