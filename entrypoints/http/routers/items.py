"""`/items`: what users own. The owner and superusers see and change an item; for anyone
else it does not exist (404)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from application.items import CreateItem, DeleteItem, GetItem, ListItems, UpdateItem
from entrypoints.http.dependencies import CurrentUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.items import ItemCreate, ItemOut, ItemPage, ItemUpdate

router = APIRouter(prefix="/items", tags=["items"])


@router.get("", responses=responses(401, 422), description=ListItems.__doc__)
async def items_list(
    actor: CurrentUser,
    page: PageParams,
    list_items: Use[ListItems],
    owner_id: Annotated[
        uuid.UUID | None,
        Query(
            description="A superuser's filter: that owner's items only. For anyone else it"
            " narrows their own items: another user's id gives an empty page."
        ),
    ] = None,
) -> ItemPage:
    return ItemPage.of(await list_items(actor, page, owner_id=owner_id), ItemOut.from_item)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 422),
    description=CreateItem.__doc__,
)
async def items_create(
    body: ItemCreate, actor: CurrentUser, create_item: Use[CreateItem]
) -> ItemOut:
    return ItemOut.from_item(await create_item(actor, body.new_item()))


@router.get("/{item_id}", responses=responses(401, 404, 422), description=GetItem.__doc__)
async def items_get(item_id: uuid.UUID, actor: CurrentUser, get_item: Use[GetItem]) -> ItemOut:
    return ItemOut.from_item(await get_item(actor, item_id))


@router.patch("/{item_id}", responses=responses(401, 404, 422), description=UpdateItem.__doc__)
async def items_update(
    item_id: uuid.UUID, body: ItemUpdate, actor: CurrentUser, update_item: Use[UpdateItem]
) -> ItemOut:
    return ItemOut.from_item(await update_item(actor, item_id, body.changes()))


@router.delete(
    "/{item_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 404, 422),
    description=DeleteItem.__doc__,
)
async def items_delete(
    item_id: uuid.UUID, actor: CurrentUser, delete_item: Use[DeleteItem]
) -> None:
    await delete_item(actor, item_id)
