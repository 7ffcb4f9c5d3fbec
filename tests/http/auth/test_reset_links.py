"""Reset links die with the changes they should die with, at most 3 go to an account per
hour, and forgot-password takes the same time for a known and an unknown e-mail (SQLite and
PostgreSQL)."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from dependency_injector import providers

from tests.support.api import PASSWORD, unique_email
from tests.support.assertions import assert_error
from tests.support.clock import FakeClock
from tests.support.mail import eventually, reset_link
from tests.support.people import Person, person, superuser

FORGOT = "/api/v1/auth/forgot-password"
RESET = "/api/v1/auth/reset-password"
USERS = "/api/v1/users"
NEW_PASSWORD = "Fresh-Start-2024"


@pytest.fixture
async def api(make_client, sql_database_url) -> httpx.AsyncClient:
    return await make_client(sql_database_url, email_backend="memory")


def resets_to(api: httpx.AsyncClient, address: str) -> list[str]:
    sender = api.container.email.email_sender()  # type: ignore[attr-defined]
    return [reset_link(m)[1] for m in sender.sent_to(address) if m.kind == "password_reset"]


async def reset_token(api: httpx.AsyncClient, address: str) -> str:
    before = len(resets_to(api, address))
    assert (await api.post(FORGOT, json={"email": address})).status_code == 202
    tokens = await eventually(
        lambda: len(resets_to(api, address)) > before and resets_to(api, address)
    )
    return tokens[-1]


async def reset(api: httpx.AsyncClient, token: str) -> httpx.Response:
    return await api.post(RESET, json={"token": token, "new_password": NEW_PASSWORD})


async def change_password(api, ann: Person, root: Person) -> None:
    body = {"current_password": PASSWORD, "new_password": "Other-Password-8"}
    response = await api.post(f"{USERS}/me/password", headers=ann.headers, json=body)
    assert response.status_code == 204, response.text


async def set_password(api, ann: Person, root: Person) -> None:
    body = {"password": "Other-Password-8"}
    response = await api.patch(f"{USERS}/{ann.id}", headers=root.headers, json=body)
    assert response.status_code == 200, response.text


async def change_email(api, ann: Person, root: Person) -> None:
    body = {"email": unique_email("moved"), "current_password": PASSWORD}
    response = await api.patch(f"{USERS}/me", headers=ann.headers, json=body)
    assert response.status_code == 200, response.text


async def email_changed_by_superuser(api, ann: Person, root: Person) -> None:
    body = {"email": unique_email("moved")}
    response = await api.patch(f"{USERS}/{ann.id}", headers=root.headers, json=body)
    assert response.status_code == 200, response.text


async def deactivate_and_reactivate(api, ann: Person, root: Person) -> None:
    for is_active in (False, True):
        response = await api.patch(
            f"{USERS}/{ann.id}", headers=root.headers, json={"is_active": is_active}
        )
        assert response.status_code == 200, response.text


async def reset_with_another_link(api, ann: Person, root: Person) -> None:
    # The link under test is the older one; a newer one is used: both must be dead after.
    assert (await reset(api, await reset_token(api, ann.email))).status_code == 204


@pytest.mark.parametrize(
    "change",
    [
        change_password,
        set_password,
        change_email,
        email_changed_by_superuser,
        deactivate_and_reactivate,
        reset_with_another_link,
    ],
)
async def test_an_outstanding_reset_link_dies_with_the_change(api, change) -> None:
    ann, root = await person(api), await superuser(api)
    token = await reset_token(api, ann.email)
    await change(api, ann, root)
    assert_error(await reset(api, token), 400, "invalid_token")


async def test_a_name_change_leaves_the_link_working(api) -> None:
    ann = await person(api)
    token = await reset_token(api, ann.email)
    response = await api.patch(f"{USERS}/me", headers=ann.headers, json={"name": "Annie"})
    assert response.status_code == 200, response.text
    assert (await reset(api, token)).status_code == 204


async def tokens_issued_since(api: httpx.AsyncClient, who: Person, since: datetime) -> int:
    async with api.container.core.uow(read_only=True) as uow:  # type: ignore[attr-defined]
        return await uow.password_resets.count_created_since(uuid.UUID(who.id), since)


async def test_at_most_three_reset_emails_an_hour_then_202_and_nothing(api) -> None:
    ann = await person(api)
    started = datetime.now(UTC)
    for _ in range(3):
        await reset_token(api, ann.email)
    unknown = await api.post(FORGOT, json={"email": unique_email("nobody")})
    for _ in range(3):
        response = await api.post(FORGOT, json={"email": ann.email})
        assert (response.status_code, response.json()) == (202, unknown.json()), response.text
    await asyncio.sleep(0.3)  # a wrongly queued mail would be delivered by now
    tokens = resets_to(api, ann.email)
    assert len(tokens) == 3
    assert await tokens_issued_since(api, ann, started) == 3
    assert (await reset(api, tokens[-1])).status_code == 204  # the last one still works

    # An hour after the first of them, there is room again.
    later = FakeClock(started + timedelta(hours=1, seconds=1))
    api.container.core.clock.override(providers.Object(later))  # type: ignore[attr-defined]
    assert (await api.post(FORGOT, json={"email": ann.email})).status_code == 202
    assert await tokens_issued_since(api, ann, later.now() - timedelta(hours=1)) == 1
    assert await tokens_issued_since(api, ann, started) == 1  # older records are forgotten


async def test_concurrent_requests_still_send_at_most_three(api) -> None:
    ann = await person(api)
    responses = await asyncio.gather(
        *(api.post(FORGOT, json={"email": ann.email}) for _ in range(12))
    )
    assert [r.status_code for r in responses] == [202] * 12
    await eventually(lambda: len(resets_to(api, ann.email)) >= 3)
    await asyncio.sleep(0.5)
    assert len(resets_to(api, ann.email)) == 3
    async with api.container.core.uow(read_only=True) as uow:  # type: ignore[attr-defined]
        since = datetime.now(UTC) - timedelta(hours=1)
        assert await uow.password_resets.count_created_since(uuid.UUID(ann.id), since) == 3


async def test_a_known_and_an_unknown_e_mail_take_the_same_time(api) -> None:
    ann = await person(api)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for _ in range(8):
        for which in ("known", "unknown"):
            email = ann.email if which == "known" else unique_email("nobody")
            started = time.perf_counter()
            assert (await api.post(FORGOT, json={"email": email})).status_code == 202
            timings[which].append(time.perf_counter() - started)
    known, unknown = (statistics.median(timings[w]) for w in ("known", "unknown"))
    assert min(known, unknown) >= 0.1  # both wait out the same floor
    assert abs(known - unknown) < 0.02, timings
