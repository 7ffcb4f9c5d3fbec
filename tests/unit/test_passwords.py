"""The password policy of the contract, as properties over arbitrary text."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    POLICY_IN_WORDS,
    check_password_policy,
    password_problems,
)

UPPER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZÄÉ")
LOWER = st.sampled_from("abcdefghijklmnopqrstuvwxyzäé")
DIGIT = st.sampled_from("0123456789")
FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=125)


@st.composite
def acceptable_passwords(draw: st.DrawFn) -> str:
    """At least one of each required kind, shuffled, 8..128 characters in all."""
    required = [draw(UPPER), draw(LOWER), draw(DIGIT)]
    filler = draw(FILLER.filter(lambda s: 5 <= len(s) <= 125))
    chars = required + list(filler)
    random.Random(draw(st.integers())).shuffle(chars)
    return "".join(chars)


def acceptable(password: str, email: str | None) -> bool:
    """The rule as the contract words it, written independently of the implementation."""
    return (
        8 <= len(password) <= 128
        and any(c.isupper() for c in password)
        and any(c.islower() for c in password)
        and any(c.isdigit() for c in password)
        and (email is None or password.casefold() != email.casefold())
    )


@given(acceptable_passwords())
def test_a_password_with_every_kind_of_character_is_accepted(password: str) -> None:
    assert password_problems(password) == []
    check_password_policy(password, "someone@example.com")


@given(st.text(max_size=140), st.one_of(st.none(), st.emails()))
def test_problems_are_reported_exactly_when_a_rule_is_broken(password: str, email) -> None:
    assert (password_problems(password, email) == []) == acceptable(password, email)


@given(acceptable_passwords().filter(lambda p: len(p) > 8), st.data())
def test_length_outside_8_to_128_is_refused(password: str, data: st.DataObject) -> None:
    too_short = password[:7]
    too_long = password + data.draw(st.text(min_size=129, max_size=200))[: 129 - len(password)]
    assert len(too_long) == 129
    for bad in (too_short, too_long):
        assert any("8 to 128" in p for p in password_problems(bad))


@pytest.mark.parametrize(
    ("password", "missing"),
    [
        ("lowercase1only", "upper-case"),
        ("UPPERCASE1ONLY", "lower-case"),
        ("NoDigitsAtAll", "digit"),
    ],
)
def test_each_kind_of_character_is_required(password: str, missing: str) -> None:
    problems = password_problems(password)
    assert len(problems) == 1 and missing in problems[0]
    with pytest.raises(PolicyViolation) as raised:
        check_password_policy(password)
    assert raised.value.field == "password"
    assert missing in raised.value.detail


@given(acceptable_passwords())
def test_at_the_boundaries_8_and_128_are_accepted(password: str) -> None:
    base = "aA1" + password
    assert password_problems(base[:8]) == []
    assert password_problems((base * 128)[:128]) == []


@given(st.emails(), st.data())
def test_the_email_in_any_case_is_refused(email: str, data: st.DataObject) -> None:
    email = "Aa1" + email
    flips = data.draw(st.lists(st.booleans(), min_size=len(email), max_size=len(email)))
    password = "".join(c.swapcase() if f else c for c, f in zip(email, flips, strict=True))
    assume(password.lower() == email.lower())
    problems = password_problems(password, email)
    # The e-mail rule comes on top of whatever else the text breaks.
    assert problems == [*password_problems(password), "must not be the e-mail address"]
    assert password_problems(password, "  " + email.upper() + " ") == problems
    assert password_problems(password, "other" + email) == password_problems(password)


def test_every_broken_rule_is_named_in_one_error() -> None:
    with pytest.raises(PolicyViolation) as raised:
        check_password_policy("short")
    detail = raised.value.detail
    assert detail.startswith("password ")
    for words in ("8 to 128", "upper-case", "digit"):
        assert words in detail
    assert "short" not in detail.removeprefix("password ")


def test_the_published_policy_states_the_domains_numbers() -> None:
    from entrypoints.http.schemas.auth import RegisterRequest

    schema = RegisterRequest.model_json_schema()["properties"]["password"]
    assert (schema["minLength"], schema["maxLength"]) == (MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH)
    assert schema["description"] == POLICY_IN_WORDS
    assert f"{MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters" in POLICY_IN_WORDS
