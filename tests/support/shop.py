"""The shop's use cases over any unit-of-work factory, for unit and contract tests."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from adapters.security.signing import HmacSigner
from application.idempotency import IdempotentRunner
from application.orders import CancelOrder, GetOrder, ListOrders, PlaceOrder
from application.pagination import Paginator
from application.ports import UnitOfWorkFactory
from application.products import (
    CreateProduct,
    DeleteProduct,
    GetProduct,
    ListProducts,
    NewProduct,
    UpdateProduct,
)
from domain.money import Money
from domain.orders import LineRequest, Order
from domain.products import Product
from domain.users import User
from tests.support.clock import FakeClock


@dataclass
class Shop:
    uow: UnitOfWorkFactory
    clock: FakeClock

    def __post_init__(self) -> None:
        paginator = Paginator(HmacSigner("shop-test-secret-0123456789-0123456789", "cursor"))
        self.runner = IdempotentRunner(self.uow, self.clock)
        self.create_product = CreateProduct(self.uow, self.clock)
        self.update_product = UpdateProduct(self.uow, self.clock)
        self.delete_product = DeleteProduct(self.uow, self.clock)
        self.get_product = GetProduct(self.uow)
        self.list_products = ListProducts(self.uow, paginator)
        self.place_order = PlaceOrder(self.uow, self.clock, self.runner)
        self.cancel_order = CancelOrder(self.uow, self.clock)
        self.get_order = GetOrder(self.uow)
        self.list_orders = ListOrders(self.uow, paginator)

    async def product(
        self, admin: User, price: str = "9.99", stock: int = 10, name: str = "Tea", **fields
    ) -> Product:
        new = NewProduct(name=name, price=Money(Decimal(price)), stock=stock, **fields)
        return await self.create_product(admin, new)

    async def order(self, actor: User, *lines: tuple[Product | uuid.UUID, int]) -> Order:
        return await self.place_order(actor, requests(*lines))

    async def stock(self, product_id: uuid.UUID) -> int:
        async with self.uow() as uow:
            product = await uow.products.get(product_id)
        assert product is not None
        return product.stock

    async def stored_product(self, product_id: uuid.UUID) -> Product | None:
        async with self.uow() as uow:
            return await uow.products.get(product_id)

    async def stored_order(self, order_id: uuid.UUID) -> Order | None:
        async with self.uow() as uow:
            return await uow.orders.get(order_id)


def requests(*lines: tuple[Product | uuid.UUID, int]) -> Sequence[LineRequest]:
    return [
        LineRequest(product_id=p.id if isinstance(p, Product) else p, quantity=q) for p, q in lines
    ]
