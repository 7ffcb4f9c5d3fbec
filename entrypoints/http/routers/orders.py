"""`/orders`: placing, reading and cancelling orders; `Idempotency-Key` on placing."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Response, status

from application.idempotency import Replayed
from application.orders import CancelOrder, GetOrder, ListOrders, PlaceOrder
from domain.errors import DomainError
from domain.idempotency import KEY_PATTERN, MAX_KEY_LENGTH, StoredResponse
from domain.orders import Order, OrderStatus
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import error_content, responses
from entrypoints.http.exact_json import ExactNumbersRoute
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.orders import (
    OrderConflictErrorBody,
    OrderCreate,
    OrderOut,
    OrderPage,
)

router = APIRouter(prefix="/orders", tags=["orders"], route_class=ExactNumbersRoute)
_REPLAYED = "Idempotent-Replayed"
_PLACE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **responses(401, 404, 422),
    201: {
        "description": "The order. A replay of a kept response (any status below 500) has"
        " the header `Idempotent-Replayed: true`.",
        "headers": {_REPLAYED: {"schema": {"type": "string", "enum": ["true"]}}},
    },
    409: {"model": OrderConflictErrorBody, "description": "Conflict"},
}


class OrderResponses:
    """The responses an idempotent order keeps: the body exactly as it is sent."""

    def success(self, value: Order) -> StoredResponse:
        return StoredResponse(status=201, body=OrderOut.from_order(value).model_dump_json())

    def failure(self, error: DomainError) -> StoredResponse | None:
        status_code, body = error_content(error)
        if status_code >= 500:  # not kept: the retry does the work
            return None
        return StoredResponse(status=status_code, body=json.dumps(body, separators=(",", ":")))


def _sent(stored: StoredResponse, *, replayed: bool) -> Response:
    headers = {_REPLAYED: "true"} if replayed else None
    return Response(stored.body, stored.status, headers, media_type="application/json")


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=OrderOut,
    responses=_PLACE_RESPONSES,
    description=PlaceOrder.__doc__,
)
async def orders_place(
    body: OrderCreate,
    actor: CurrentUser,
    place_order: Use[PlaceOrder],
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=MAX_KEY_LENGTH,
            pattern=KEY_PATTERN,
            description="1 to 255 visible ASCII characters; a retry with the same key and"
            " body gets the first response.",
        ),
    ] = None,
) -> Any:
    if idempotency_key is None:
        return OrderOut.from_order(await place_order(actor, body.requested()))
    renderer = OrderResponses()
    outcome = await place_order.idempotently(actor, body.requested(), idempotency_key, renderer)
    if isinstance(outcome, Replayed):
        return _sent(outcome.response, replayed=True)
    return _sent(renderer.success(outcome), replayed=False)


@router.get("", responses=responses(401, 422), description=ListOrders.__doc__)
async def orders_list(
    actor: CurrentUser,
    page: PageParams,
    list_orders: Use[ListOrders],
    user_id: uuid.UUID | None = None,
    status: OrderStatus | None = None,
) -> OrderPage:
    found = await list_orders(actor, page, user_id=user_id, status=status)
    return OrderPage.of(found, OrderOut.from_order)


@router.get("/{order_id}", responses=responses(401, 404, 422), description=GetOrder.__doc__)
async def orders_get(order_id: uuid.UUID, actor: CurrentUser, get_order: Use[GetOrder]) -> OrderOut:
    return OrderOut.from_order(await get_order(actor, order_id))


@router.post(
    "/{order_id}/cancel",
    responses=responses(401, 404, 409, 422),
    description=CancelOrder.__doc__,
)
async def orders_cancel(
    order_id: uuid.UUID,
    actor: CurrentUser,
    cancel_order: Use[CancelOrder],
) -> OrderOut:
    return OrderOut.from_order(await cancel_order(actor, order_id))
