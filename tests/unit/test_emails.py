"""E-mail normalisation: one canonical form, so uniqueness is case-insensitive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.emails import normalize_email
from domain.errors import PolicyViolation

WHITESPACE = st.text(alphabet=" \t\r\n", max_size=3)


@given(st.emails())
def test_normalisation_is_idempotent_lower_case_and_trimmed(email: str) -> None:
    normal = normalize_email(email)
    assert normalize_email(normal) == normal
    assert normal == normal.lower() == normal.strip()


@given(st.emails(), WHITESPACE, WHITESPACE, st.data())
def test_case_and_surrounding_space_do_not_matter(email, before, after, data) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(email), max_size=len(email)))
    variant = "".join(c.upper() if f else c for c, f in zip(email, flips, strict=True))
    assert normalize_email(before + variant + after) == normalize_email(email)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "plainaddress",
        "@example.com",
        "user@",
        "user@@example.com",
        "us er@example.com",
        "user@exa mple.com",
        "user@-example.com",
        "user@example-.com",
        "user@example..com",
        "user@.example.com",
        "user@example.com.",
        "user@exam_ple.com",
        "user\x00@example.com",
        "a" * 65 + "@example.com",
        "user@" + "a" * 64 + ".com",
        "user@" + ".".join(["a" * 60] * 5) + ".com",  # longer than 254 characters
    ],
)
def test_invalid_addresses_are_refused(raw: str) -> None:
    with pytest.raises(PolicyViolation) as raised:
        normalize_email(raw)
    assert raised.value.field == "email"


@given(st.text(alphabet=st.characters(exclude_characters="@"), max_size=80))
def test_text_without_an_at_sign_is_never_an_address(raw: str) -> None:
    with pytest.raises(PolicyViolation):
        normalize_email(raw)


@given(st.emails(), st.text(alphabet=" \t", min_size=1, max_size=3))
def test_white_space_inside_an_address_is_refused(email: str, space: str) -> None:
    local, domain = email.rsplit("@", 1)
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}{space}x@{domain}")
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}@{domain[:1]}{space}{domain[1:]}")


def test_the_longest_acceptable_address_is_254_characters() -> None:
    domain = ".".join(["a" * 63] * 3) + ".com"  # 195 characters
    local = "b" * (254 - 1 - len(domain))
    assert len(normalize_email(f"{local}@{domain}")) == 254
    with pytest.raises(PolicyViolation):
        normalize_email(f"{local}b@{domain}")
