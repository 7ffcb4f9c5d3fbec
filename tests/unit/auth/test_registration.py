"""RegisterUser on the memory adapters."""

from __future__ import annotations

import pytest

from application.auth.registration import NewAccount
from domain.errors import EmailTaken, PolicyViolation
from tests.support.api import PASSWORD


async def test_the_email_is_normalised_and_the_password_only_hashed(core) -> None:
    user = await core.register("  Ann.Smith@Example.COM ")
    assert user.email == "ann.smith@example.com"
    stored = await core.user(user.id)
    assert stored == user
    assert stored.hashed_password.startswith("$argon2id$")
    assert PASSWORD not in stored.hashed_password
    assert (stored.is_active, stored.is_superuser) == (True, False)
    assert stored.created_at == stored.updated_at == stored.password_changed_at == core.clock.now()


@pytest.mark.parametrize("again", ["ann@example.com", "ANN@EXAMPLE.COM", " Ann@Example.com "])
async def test_an_email_is_taken_whatever_its_case(core, again) -> None:
    await core.register("ann@example.com")
    with pytest.raises(EmailTaken):
        await core.register(again, password="Other-Password-2")
    assert [u.email for u in core.all_users()] == ["ann@example.com"]


@pytest.mark.parametrize(
    "password",
    ["Short1a", "alllowercase1", "ALLUPPERCASE1", "NoDigitsHere", "A1a" * 43, "Ann@Example.com1"],
)
async def test_the_password_policy_is_enforced(core, password) -> None:
    email = "ann@example.com1" if password == "Ann@Example.com1" else "ann@example.com"
    with pytest.raises(PolicyViolation) as raised:
        await core.register(email, password=password)
    assert raised.value.field == "password"
    assert core.all_users() == []


async def test_a_password_equal_to_the_email_is_refused(core) -> None:
    with pytest.raises(PolicyViolation):
        await core.register("Abc12345@x.io", password="abc12345@X.IO")
    assert core.all_users() == []


@pytest.mark.parametrize(
    "email", ["not-an-email", "@example.com", "two@@example.com", "a b@example.com", ""]
)
async def test_an_invalid_email_is_refused(core, email) -> None:
    with pytest.raises(PolicyViolation) as raised:
        await core.register(email)
    assert raised.value.field == "email"
    assert core.all_users() == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
async def test_a_name_must_be_1_to_100_characters(core, name) -> None:
    with pytest.raises(PolicyViolation) as raised:
        await core.container.auth.register_user()(
            NewAccount(email="ann@example.com", name=name, password=PASSWORD)
        )
    assert raised.value.field == "name"
    assert core.all_users() == []
