"""A product of the catalogue: what it is called, what it costs, how many are in stock."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from domain.errors import PolicyViolation
from domain.money import Money, check_price
from domain.users import CONTROL_CHARACTERS, TEXT_CONTROL_CHARACTERS, User

MAX_PRODUCT_NAME_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 5000
# Stock fits the database's 32-bit integer with room for every return of a cancelled order.
MAX_STOCK = 1_000_000_000
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_CONTROL_IN_TEXT = re.compile(f"[{TEXT_CONTROL_CHARACTERS}]")


class ProductSort(StrEnum):
    """The orders a product listing can have; each ends with `id` as the tie-breaker."""

    NEWEST = "newest"  # created_at desc, id desc
    PRICE_ASC = "price_asc"  # price asc, id asc
    PRICE_DESC = "price_desc"  # price desc, id desc
    NAME = "name"  # name asc, id asc


def check_product_name(name: str) -> str:
    if not 1 <= len(name) <= MAX_PRODUCT_NAME_LENGTH or not name.strip():
        raise PolicyViolation(
            f"name must be 1 to {MAX_PRODUCT_NAME_LENGTH} characters", field="name"
        )
    if _CONTROL.search(name):
        raise PolicyViolation("name must not contain control characters", field="name")
    return name


def check_description(description: str | None) -> str | None:
    if description is None:
        return None
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise PolicyViolation(
            f"description must be at most {MAX_DESCRIPTION_LENGTH} characters",
            field="description",
        )
    if _CONTROL_IN_TEXT.search(description):
        raise PolicyViolation(
            "description must not contain control characters", field="description"
        )
    return description


def check_stock(stock: int) -> int:
    if isinstance(stock, bool) or not isinstance(stock, int) or not 0 <= stock <= MAX_STOCK:
        raise PolicyViolation(f"stock must be 0 to {MAX_STOCK}", field="stock")
    return stock


@dataclass(slots=True, kw_only=True)
class Product:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    name: str
    description: str | None = None
    price: Money
    stock: int = 0
    is_active: bool = True
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls,
        *,
        name: str,
        price: Money,
        now: datetime,
        description: str | None = None,
        stock: int = 0,
        is_active: bool = True,
    ) -> Product:
        return cls(
            name=check_product_name(name),
            description=check_description(description),
            price=check_price(price),
            stock=check_stock(stock),
            is_active=is_active,
            created_at=now,
            updated_at=now,
        )

    def change(self, now: datetime, **changes: object) -> None:
        """Set any of name, description, price, stock, is_active; absent keys stay."""
        unknown = set(changes) - {"name", "description", "price", "stock", "is_active"}
        if unknown:
            raise PolicyViolation(f"unknown field {sorted(unknown)[0]}", field="body")
        if "name" in changes:
            self.name = check_product_name(str(changes["name"]))
        if "description" in changes:
            value = changes["description"]
            self.description = check_description(None if value is None else str(value))
        if "price" in changes:
            price = changes["price"]
            if not isinstance(price, Money):
                raise PolicyViolation("price must be money", field="price")
            self.price = check_price(price)
        if "stock" in changes:
            self.stock = check_stock(changes["stock"])  # type: ignore[arg-type]
        if "is_active" in changes:
            self.is_active = bool(changes["is_active"])
        self.updated_at = now

    def deactivate(self, now: datetime) -> None:
        """Taken off sale, kept for the orders that name it."""
        self.is_active = False
        self.updated_at = now


def can_see_product(actor: User | None, product: Product) -> bool:
    """Products on sale are public; one taken off sale only superusers still see."""
    return product.is_active or (actor is not None and actor.is_superuser)
