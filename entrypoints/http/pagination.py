"""Query parameters and the response body of every paginated listing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, Self, TypeVar

from fastapi import Depends, Query, Request
from pydantic import Field

from application.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_NUMBER,
    MAX_PAGE_SIZE,
    Page,
    PageRequest,
)
from entrypoints.http.schemas.common import ResponseModel

T = TypeVar("T")


async def _page_request(
    request: Request,
    page: Annotated[
        int, Query(ge=1, le=MAX_PAGE_NUMBER, description="Page number; not with `cursor`.")
    ] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")] = (
        DEFAULT_PAGE_SIZE
    ),
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=1024,
            description="`next_cursor` of the previous page, with the same filters; instead of"
            " `page`. A malformed, altered or mismatched cursor is 422.",
        ),
    ] = None,
) -> PageRequest:
    explicit_page = page if "page" in request.query_params or cursor is None else None
    return PageRequest(size=size, page=explicit_page, cursor=cursor)  # InvalidCursor: both


PageParams = Annotated[PageRequest, Depends(_page_request)]


class PageOut(ResponseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, on every page.")
    page: int | None = Field(description="The page number; null when read by cursor.")
    size: int
    pages: int = Field(description="ceil(total / size); 0 when there are no items.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the following page; null on the last page."
    )

    @classmethod
    def of(cls, page: Page[Any], convert: Callable[[Any], T]) -> Self:
        return cls(
            items=[convert(item) for item in page.items],
            total=page.total,
            page=page.page,
            size=page.size,
            pages=page.pages,
            next_cursor=page.next_cursor,
        )
