"""`/products`: the catalogue. Anyone reads what is on sale; superusers write."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from application.ports.products import ProductFilter
from application.products import (
    CreateProduct,
    DeleteProduct,
    GetProduct,
    ListProducts,
    UpdateProduct,
)
from domain.money import parse_price
from domain.products import MAX_PRODUCT_NAME_LENGTH, ProductSort
from entrypoints.http.dependencies import CurrentUser, MaybeUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.exact_json import ExactNumbersRoute
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.common import NO_CONTROL_CHARACTERS
from entrypoints.http.schemas.money import PRICE_PATTERN
from entrypoints.http.schemas.products import (
    ProductCreate,
    ProductOut,
    ProductPage,
    ProductUpdate,
)

router = APIRouter(prefix="/products", tags=["products"], route_class=ExactNumbersRoute)
PriceQuery = Annotated[
    str | None, Query(pattern=PRICE_PATTERN, description="Inclusive bound, e.g. `19.90`.")
]


@router.get("", responses=responses(401, 422), description=ListProducts.__doc__)
async def products_list(
    actor: MaybeUser,
    page: PageParams,
    list_products: Use[ListProducts],
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_PRODUCT_NAME_LENGTH,
            pattern=NO_CONTROL_CHARACTERS,
            description="Part of the name, any case.",
        ),
    ] = None,
    min_price: PriceQuery = None,
    max_price: PriceQuery = None,
    sort: ProductSort = ProductSort.NEWEST,
    include_inactive: Annotated[
        bool, Query(description="Superusers only; ignored for anyone else.")
    ] = False,
) -> ProductPage:
    where = ProductFilter(
        q=(q or "").strip() or None,
        min_price=None if min_price is None else parse_price(min_price, field="min_price"),
        max_price=None if max_price is None else parse_price(max_price, field="max_price"),
        include_inactive=include_inactive,
    )
    return ProductPage.of(await list_products(actor, where, sort, page), ProductOut.from_product)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 403, 422),
    description=CreateProduct.__doc__,
)
async def products_create(
    body: ProductCreate,
    actor: CurrentUser,
    create_product: Use[CreateProduct],
) -> ProductOut:
    return ProductOut.from_product(await create_product(actor, body.new_product()))


@router.get("/{product_id}", responses=responses(401, 404, 422), description=GetProduct.__doc__)
async def products_get(
    product_id: uuid.UUID,
    actor: MaybeUser,
    get_product: Use[GetProduct],
) -> ProductOut:
    return ProductOut.from_product(await get_product(actor, product_id))


@router.patch(
    "/{product_id}",
    responses=responses(401, 403, 404, 422),
    description=UpdateProduct.__doc__,
)
async def products_update(
    product_id: uuid.UUID,
    body: ProductUpdate,
    actor: CurrentUser,
    update_product: Use[UpdateProduct],
) -> ProductOut:
    return ProductOut.from_product(await update_product(actor, product_id, body.changes()))


@router.delete(
    "/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
    description=DeleteProduct.__doc__,
)
async def products_delete(
    product_id: uuid.UUID,
    actor: CurrentUser,
    delete_product: Use[DeleteProduct],
) -> None:
    await delete_product(actor, product_id)
