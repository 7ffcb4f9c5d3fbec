"""Money: an exact amount with two decimal places. A float never becomes money.

Prices, line totals and order totals are `Money`; arithmetic stays in `Decimal`, so a total
is exactly the sum of its lines. Input is a string or an exact number (int or Decimal) with
at most two decimal places; a float is refused outright, since its value is not the one the
client wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import PolicyViolation

CENT = Decimal("0.01")
MAX_PRICE = Decimal("1000000.00")
# What a money string looks like: digits, then at most two decimals (no exponent; a leading
# minus is read so that the range check, not the syntax, refuses it).
MONEY_PATTERN = r"^-?[0-9]{1,20}(\.[0-9]{1,2})?$"
_MONEY_TEXT = re.compile(MONEY_PATTERN)


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in the shop's one currency, always with exactly two decimal places."""

    amount: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite():
            raise PolicyViolation("money must be an exact decimal amount", field="price")
        if self.amount != self.amount.quantize(CENT):
            raise PolicyViolation("money has at most two decimal places", field="price")
        object.__setattr__(self, "amount", self.amount.quantize(CENT))

    @classmethod
    def parse(cls, value: Any, *, field: str = "price") -> Money:
        """From a string ("19.9", "19.90") or an exact number (19, Decimal("19.9"))."""
        if isinstance(value, bool | float):
            raise PolicyViolation(
                "money must be a string or an exact number, never a float", field=field
            )
        if isinstance(value, int):
            amount = Decimal(value)
        elif isinstance(value, Decimal):
            amount = value
        elif isinstance(value, str):
            if not _MONEY_TEXT.match(value.strip()):
                raise PolicyViolation(
                    "money is a decimal number with at most two decimal places", field=field
                )
            amount = Decimal(value.strip())
        else:
            raise PolicyViolation("money must be a string or a number", field=field)
        try:
            if not amount.is_finite() or amount != amount.quantize(CENT):
                raise PolicyViolation("money has at most two decimal places", field=field)
        except InvalidOperation:  # more digits than the context can quantize
            raise PolicyViolation("money is out of range", field=field) from None
        return cls(amount)

    @classmethod
    def zero(cls) -> Money:
        return cls(Decimal("0.00"))

    @classmethod
    def of_cents(cls, cents: int) -> Money:
        return cls(Decimal(cents).scaleb(-2).quantize(CENT))

    @property
    def cents(self) -> int:
        return int(self.amount.scaleb(2))

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + other.amount)

    def times(self, quantity: int) -> Money:
        return Money(self.amount * quantity)

    def __str__(self) -> str:
        return f"{self.amount:.2f}"


def check_price(price: Money, *, field: str = "price") -> Money:
    """A product's price: more than zero, at most 1,000,000."""
    if not Decimal(0) < price.amount <= MAX_PRICE:
        raise PolicyViolation(f"{field} must be more than 0 and at most {MAX_PRICE}", field=field)
    return price


def parse_price(value: Any, *, field: str = "price") -> Money:
    """A price as a client sends it (see `Money.parse`), within the price range."""
    return check_price(Money.parse(value, field=field), field=field)
