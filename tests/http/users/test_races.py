"""Concurrent changes that must not break the rules (SQLite and PostgreSQL): two superusers
removing each other, and several people taking the same e-mail at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from application.ports.users import UserFilter
from tests.support.api import PASSWORD, login
from tests.support.assertions import assert_error
from tests.support.people import Person, person, superuser

USERS = "/api/v1/users"
ROUNDS = 6


@pytest.fixture
async def api(make_client, sql_database_url):
    return await make_client(sql_database_url)


async def active_superusers(api) -> int:
    async with api.container.core.uow() as uow:
        return sum(
            u.is_superuser for u in await uow.users.search(UserFilter(is_active=True), limit=100)
        )


async def remove(api, actor: Person, target: Person, how: str):
    url = f"{USERS}/{target.id}"
    if how == "delete":
        return await api.delete(url, headers=actor.headers)
    body = {"is_superuser": False} if how == "demote" else {"is_active": False}
    return await api.patch(url, headers=actor.headers, json=body)


@pytest.mark.parametrize("how", ["demote", "deactivate", "delete"])
async def test_two_superusers_removing_each_other_at_once_leave_exactly_one(api, how) -> None:
    first, second = await superuser(api), await superuser(api)
    for _round in range(ROUNDS):
        responses = await asyncio.gather(
            remove(api, first, second, how), remove(api, second, first, how)
        )
        won = [r for r in responses if r.status_code < 300]
        lost = [r for r in responses if r.status_code >= 300]
        assert len(won) == 1 and won[0].status_code == (204 if how == "delete" else 200)
        # The loser is refused by the rule; or, when the winner committed before the loser's
        # request was even authenticated, because the loser no longer is a superuser (the
        # other account is invisible to them: 404) or no longer signed in at all (401).
        expected = {409: "last_superuser", 404: "not_found", 401: "invalid_token"}
        if how == "demote":
            del expected[401]
        else:
            del expected[404]
        assert lost[0].status_code in expected, lost[0].text
        assert_error(lost[0], lost[0].status_code, expected[lost[0].status_code])
        assert await active_superusers(api) == 1
        # The survivor brings a second superuser back for the next round.
        survivor, loser = (first, second) if responses[0].status_code < 300 else (second, first)
        if how == "delete":
            loser = await superuser(api)
        else:
            restore = {"is_superuser": True} if how == "demote" else {"is_active": True}
            response = await api.patch(
                f"{USERS}/{loser.id}", headers=survivor.headers, json=restore
            )
            assert response.status_code == 200, response.text
            if how == "deactivate":  # deactivation ended the loser's sessions
                loser = Person(loser.user, await login(api, loser.email))
        first, second = survivor, loser
        assert await active_superusers(api) == 2


async def test_of_several_people_taking_one_email_at_once_exactly_one_gets_it(api) -> None:
    people = [await person(api) for _ in range(5)]
    for round_ in range(3):
        wanted = f"wanted-{round_}@example.com"
        responses = await asyncio.gather(
            *(
                api.patch(
                    f"{USERS}/me",
                    headers=p.headers,
                    json={"email": wanted, "current_password": PASSWORD},
                )
                for p in people
            )
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200, 409, 409, 409, 409], [r.text for r in responses]
        for refused in (r for r in responses if r.status_code == 409):
            assert_error(refused, 409, "email_taken")
        async with api.container.core.uow() as uow:
            found = await uow.users.search(UserFilter(q=wanted), limit=10)
        assert [u.email for u in found] == [wanted]
