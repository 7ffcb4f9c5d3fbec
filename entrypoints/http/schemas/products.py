from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from application.products import NewProduct, ProductChanges
from domain.products import (
    MAX_DESCRIPTION_LENGTH,
    MAX_PRODUCT_NAME_LENGTH,
    MAX_STOCK,
    Product,
)
from domain.users import TEXT_CONTROL_CHARACTERS
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import (
    NO_CONTROL_CHARACTERS,
    VISIBLE_TEXT_SCHEMA,
    WHOLE_NUMBER,
    RequestModel,
    UtcDatetime,
)
from entrypoints.http.schemas.money import Price

ProductName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_PRODUCT_NAME_LENGTH,
        pattern=NO_CONTROL_CHARACTERS,
    ),
    Field(json_schema_extra=VISIBLE_TEXT_SCHEMA),
]
Description = Annotated[
    str,
    StringConstraints(
        max_length=MAX_DESCRIPTION_LENGTH, pattern=f"^[^{TEXT_CONTROL_CHARACTERS}]*$"
    ),
]
Stock = Annotated[
    int, Field(ge=0, le=MAX_STOCK, strict=True, description="Units in stock."), WHOLE_NUMBER
]


class ProductOut(BaseModel):
    """A product of the catalogue."""

    id: uuid.UUID
    name: str
    description: str | None
    price: Price
    stock: int
    is_active: bool
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def from_product(cls, product: Product) -> ProductOut:
        return cls(
            id=product.id,
            name=product.name,
            description=product.description,
            price=product.price,
            stock=product.stock,
            is_active=product.is_active,
            created_at=product.created_at,
            updated_at=product.updated_at,
        )


class ProductPage(PageOut[ProductOut]):
    """A page of products."""


class ProductCreate(RequestModel):
    name: ProductName
    description: Description | None = None
    price: Price
    stock: Stock = 0
    is_active: bool = True

    def new_product(self) -> NewProduct:
        return NewProduct(
            name=self.name,
            description=self.description,
            price=self.price,
            stock=self.stock,
            is_active=self.is_active,
        )


# Fields left out keep their value; an explicit null is refused (422) except for the
# description, where null clears it.


class ProductUpdate(RequestModel):
    name: ProductName = Field(default=None)  # type: ignore[assignment]
    description: Description | None = None
    price: Price = Field(default=None)  # type: ignore[assignment]
    stock: Stock = Field(default=None)  # type: ignore[assignment]
    is_active: bool = Field(default=None)  # type: ignore[assignment]

    def changes(self) -> ProductChanges:
        values: dict[str, Any] = {name: getattr(self, name) for name in self.model_fields_set}
        return ProductChanges(values=values)
