"""Money in request and response bodies: the domain's `Money`, as a two-place string."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, WithJsonSchema

from domain.errors import PolicyViolation
from domain.money import MAX_PRICE, Money, parse_price

_OUT_SCHEMA = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "examples": ["19.90"]}
# Exactly the valid prices: more than 0, at most 1,000,000, at most two decimal places.
PRICE_PATTERN = r"^(0\.(0[1-9]|[1-9][0-9]?)|[1-9][0-9]{0,5}(\.[0-9]{1,2})?|1000000(\.00?)?)$"
_PRICE_IN_SCHEMA = {
    # A JSON number with at most two decimal places is accepted too; the schema lists whole
    # numbers only, since JSON Schema cannot say "two decimal places" of a binary float.
    "anyOf": [
        {"type": "string", "pattern": PRICE_PATTERN, "examples": ["19.90"]},
        {"type": "integer", "minimum": 1, "maximum": int(MAX_PRICE)},
    ],
    "description": f"More than 0, at most {int(MAX_PRICE):,}, at most two decimal places:"
    " a string, or a number.",
}


def _price(value: Any) -> Money:
    if isinstance(value, Money):
        return value
    try:
        return parse_price(value)
    except PolicyViolation as exc:
        raise ValueError(exc.detail) from None


# A price as a client sends it (string or exact number) and as clients get it ("19.90").
Price = Annotated[
    Money,
    PlainValidator(_price),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(_PRICE_IN_SCHEMA, mode="validation"),
    WithJsonSchema(_OUT_SCHEMA, mode="serialization"),
]
# Any amount in a response (line totals and order totals may exceed the price ceiling).
MoneyOut = Annotated[Money, PlainSerializer(str, return_type=str), WithJsonSchema(_OUT_SCHEMA)]
