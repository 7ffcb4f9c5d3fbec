"""Orders: placing one takes stock atomically and queues its confirmation; cancelling one
gives the stock back, once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from application.idempotency import IdempotentRequest, IdempotentRunner, Replayed, ResponseRenderer
from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from application.ports.orders import OrderFilter
from domain.authorization import ensure_can_see
from domain.email_messages import order_confirmation_email
from domain.errors import InvalidState, NotFound
from domain.idempotency import fingerprint
from domain.orders import LineRequest, Order, OrderStatus, check_lines
from domain.users import User


def order_fingerprint(requested: Sequence[LineRequest]) -> str:
    """The meaning of an order request: its lines, in the order given."""
    return fingerprint(*(f"{line.product_id}:{line.quantity}" for line in requested))


class PlaceOrder:
    """Place an order. Prices are copied from the products at this moment and stock is taken
    atomically: under any concurrency no stock goes below zero and no unit is sold twice;
    nothing changes on any error. A confirmation e-mail is queued with the order.

    With an `Idempotency-Key`, a retry with the same key and body gets the first response
    again (with `Idempotent-Replayed: true`) and nothing is done twice; the same key with
    another body is 409 `idempotency_key_reused`, a twin still being processed 409
    `request_in_progress`. Keys are kept 24 hours, per user."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, runner: IdempotentRunner) -> None:
        self._uow, self._clock, self._runner = uow, clock, runner

    async def __call__(self, actor: User, requested: Sequence[LineRequest]) -> Order:
        check_lines(requested)
        async with self._uow() as uow:
            order = await self._place(uow, actor, requested)
            await uow.commit()
        return order

    async def idempotently(
        self,
        actor: User,
        requested: Sequence[LineRequest],
        key: str,
        renderer: ResponseRenderer[Order],
    ) -> Order | Replayed:
        check_lines(requested)
        request: IdempotentRequest[Order] = IdempotentRequest(
            user_id=actor.id,
            key=key,
            fingerprint=order_fingerprint(requested),
            renderer=renderer,
        )
        return await self._runner.run(request, lambda uow: self._place(uow, actor, requested))

    async def _place(self, uow: UnitOfWork, actor: User, requested: Sequence[LineRequest]) -> Order:
        products = await uow.products.get_many(line.product_id for line in requested)
        order = Order.place(
            user_id=actor.id, requested=requested, products=products, now=self._clock.now()
        )
        await uow.orders.add(order)
        await uow.outbox.enqueue(order_confirmation_email(order, actor))
        # Last, so that the stock rows stay locked (hot products!) only from here to the
        # commit; InsufficientStock rolls back everything above.
        await uow.products.take_stock(order.quantities())
        return order


class GetOrder:
    """One order: the caller's own, or any for a superuser (404 for anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, order_id: uuid.UUID) -> Order:
        async with self._uow(read_only=True) as uow:
            order = await uow.orders.get(order_id)
        if order is None:
            raise NotFound()
        ensure_can_see(actor, order.user_id)
        return order


class ListOrders:
    """The caller's orders, newest first; a superuser sees everyone's and may filter by
    `user_id`. `status` keeps placed or cancelled orders only."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(
        self,
        actor: User,
        request: PageRequest,
        *,
        user_id: uuid.UUID | None = None,
        status: OrderStatus | None = None,
    ) -> Page[Order]:
        where = OrderFilter(user_id=user_id if actor.is_superuser else actor.id, status=status)
        binding = {"listing": "orders", "user_id": where.user_id, "status": where.status}
        window = self._paginator.window(request, NEWEST_FIRST, binding)
        async with self._uow(read_only=True) as uow:
            total = await uow.orders.count(where)
            rows = await uow.orders.search(
                where, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, NEWEST_FIRST, binding, rows, total)


class CancelOrder:
    """Cancel a placed order and give its stock back; 409 `invalid_state` if it is already
    cancelled. Of two cancellations at the same moment one wins: stock comes back once."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, order_id: uuid.UUID) -> Order:
        async with self._uow() as uow:
            order = await uow.orders.get(order_id)
            if order is None:
                raise NotFound()
            ensure_can_see(actor, order.user_id)
            returned = order.cancel(self._clock.now())
            # Conditional on the stored status: a concurrent cancellation that committed
            # first makes this one a no-op, and it is refused before any stock moves.
            if not await uow.orders.change_status(order, OrderStatus.PLACED, order.updated_at):
                raise InvalidState("Only a placed order can be cancelled.")
            await uow.products.give_back(returned)
            await uow.commit()
        return order
