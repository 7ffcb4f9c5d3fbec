from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from application.items import ItemChanges, NewItem
from domain.items import MAX_DESCRIPTION_LENGTH, MAX_TITLE_LENGTH, Item
from domain.users import TEXT_CONTROL_CHARACTERS
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import (
    NO_CONTROL_CHARACTERS,
    VISIBLE_TEXT_SCHEMA,
    RequestModel,
    UtcDatetime,
)

Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_TITLE_LENGTH,
        pattern=NO_CONTROL_CHARACTERS,
    ),
    Field(json_schema_extra=VISIBLE_TEXT_SCHEMA, examples=["Camping stove"]),
]
# Running text: line breaks and tabs are fine, other control characters are not.
Description = Annotated[
    str,
    StringConstraints(
        max_length=MAX_DESCRIPTION_LENGTH, pattern=f"^[^{TEXT_CONTROL_CHARACTERS}]*$"
    ),
    Field(examples=["Two burners, folds flat."]),
]


class ItemOut(BaseModel):
    """An item, owned by the account that created it."""

    id: uuid.UUID
    title: str
    description: str | None
    owner_id: uuid.UUID
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def from_item(cls, item: Item) -> ItemOut:
        return cls(
            id=item.id,
            title=item.title,
            description=item.description,
            owner_id=item.owner_id,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )


class ItemPage(PageOut[ItemOut]):
    """A page of items."""


class ItemCreate(RequestModel):
    title: Title
    description: Description | None = None

    def new_item(self) -> NewItem:
        return NewItem(title=self.title, description=self.description)


class ItemUpdate(RequestModel):
    """Fields left out keep their value; `description: null` clears the description, and a
    null title is refused."""

    title: Title = Field(default=None)  # type: ignore[assignment]
    description: Description | None = None

    def changes(self) -> ItemChanges:
        return ItemChanges(values={name: getattr(self, name) for name in self.model_fields_set})
