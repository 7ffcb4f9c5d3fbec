from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from domain.orders import (
    MAX_LINES,
    MAX_QUANTITY,
    MIN_LINES,
    MIN_QUANTITY,
    LineRequest,
    Order,
    OrderStatus,
)
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import WHOLE_NUMBER, ErrorBody, RequestModel, UtcDatetime
from entrypoints.http.schemas.money import MoneyOut


class OrderLineIn(RequestModel):
    product_id: uuid.UUID
    quantity: Annotated[int, Field(ge=MIN_QUANTITY, le=MAX_QUANTITY, strict=True), WHOLE_NUMBER]


class OrderCreate(RequestModel):
    lines: Annotated[
        list[OrderLineIn],
        Field(
            min_length=MIN_LINES,
            max_length=MAX_LINES,
            description="The same product given twice becomes one line.",
        ),
    ]

    def requested(self) -> list[LineRequest]:
        return [LineRequest(product_id=x.product_id, quantity=x.quantity) for x in self.lines]


class OrderLineOut(BaseModel):
    product_id: uuid.UUID
    product_name: str = Field(description="The product's name when the order was placed.")
    unit_price: MoneyOut = Field(description="The product's price when the order was placed.")
    quantity: int
    line_total: MoneyOut


class OrderOut(BaseModel):
    """An order, with the names and prices its products had when it was placed."""

    id: uuid.UUID
    user_id: uuid.UUID | None = Field(description="Null once the account is deleted.")
    status: OrderStatus
    lines: list[OrderLineOut]
    total: MoneyOut
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def from_order(cls, order: Order) -> OrderOut:
        return cls(
            id=order.id,
            user_id=order.user_id,
            status=order.status,
            lines=[
                OrderLineOut(
                    product_id=line.product_id,
                    product_name=line.product_name,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    line_total=line.line_total,
                )
                for line in order.lines
            ],
            total=order.total,
            created_at=order.created_at,
            updated_at=order.updated_at,
        )


class OrderPage(PageOut[OrderOut]):
    """A page of orders, each with its lines."""


class OrderConflictErrorBody(ErrorBody):
    """409: `insufficient_stock` (naming the product), `idempotency_key_reused`,
    `request_in_progress`."""

    product_id: uuid.UUID | None = Field(
        default=None,
        description="With `insufficient_stock`: the product short of stock; else null.",
    )
