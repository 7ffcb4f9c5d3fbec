"""Money: exact decimals with two places, from strings or exact numbers, never floats."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import PolicyViolation
from domain.money import MAX_PRICE, Money, parse_price
from entrypoints.http.schemas.money import PRICE_PATTERN

cents = st.integers(min_value=1, max_value=100_000_000)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("19.9", "19.90"),
        ("19.90", "19.90"),
        (" 7 ", "7.00"),
        (19, "19.00"),
        (Decimal("0.01"), "0.01"),
        ("1000000", "1000000.00"),
        (Decimal("1E+2"), "100.00"),
    ],
)
def test_prices_are_read_exactly_and_written_with_two_places(raw, expected) -> None:
    assert str(parse_price(raw)) == expected


@pytest.mark.parametrize(
    "raw",
    [
        19.9,
        1.0,
        True,
        "19.999",
        "0",
        "0.00",
        "-1",
        "1000000.01",
        "1e3",
        "NaN",
        "Infinity",
        "",
        "abc",
        "1.",
        ".5",
        Decimal("0.001"),
        Decimal("NaN"),
        Decimal("1E+400"),
        None,
        [1],
    ],
)
def test_floats_extra_places_and_out_of_range_prices_are_refused(raw) -> None:
    with pytest.raises(PolicyViolation):
        parse_price(raw)


@given(cents)
def test_a_price_round_trips_through_its_text_and_its_cents(amount: int) -> None:
    price = Money.of_cents(amount)
    assert parse_price(str(price)) == price
    assert price.cents == amount
    assert Decimal(0) < price.amount <= MAX_PRICE


@given(cents, st.integers(min_value=1, max_value=1000))
def test_multiplying_money_is_exact(amount: int, quantity: int) -> None:
    assert Money.of_cents(amount).times(quantity) == Money.of_cents(amount * quantity)


@given(st.lists(cents, min_size=1, max_size=50))
def test_adding_money_is_exact(amounts: list[int]) -> None:
    total = Money.zero()
    for amount in amounts:
        total = total + Money.of_cents(amount)
    assert total == Money.of_cents(sum(amounts))
    assert str(total).count(".") == 1 and len(str(total).split(".")[1]) == 2


@given(st.from_regex(PRICE_PATTERN, fullmatch=True))
def test_every_price_the_schema_publishes_is_accepted(text: str) -> None:
    assert str(parse_price(text)) == f"{Decimal(text):.2f}"
