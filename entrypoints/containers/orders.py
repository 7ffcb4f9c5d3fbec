"""Order use cases, idempotent placing, and the pruning of old idempotency keys."""

from __future__ import annotations

from dependency_injector import containers, providers

from application.idempotency import IdempotentRunner, PruneIdempotencyKeys
from application.orders import CancelOrder, GetOrder, ListOrders, PlaceOrder


class OrdersContainer(containers.DeclarativeContainer):
    core = providers.DependenciesContainer()

    idempotent_runner = providers.Factory(IdempotentRunner, uow=core.uow.provider, clock=core.clock)
    place_order = providers.Factory(
        PlaceOrder, uow=core.uow.provider, clock=core.clock, runner=idempotent_runner
    )
    get_order = providers.Factory(GetOrder, uow=core.uow.provider)
    list_orders = providers.Factory(ListOrders, uow=core.uow.provider, paginator=core.paginator)
    cancel_order = providers.Factory(CancelOrder, uow=core.uow.provider, clock=core.clock)
    prune_idempotency_keys = providers.Factory(
        PruneIdempotencyKeys, uow=core.uow.provider, clock=core.clock
    )
