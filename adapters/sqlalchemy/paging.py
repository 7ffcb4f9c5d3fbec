"""A listing's page and its total in one statement, so a read-only listing is one round trip
(and, being one statement, sees one snapshot without a transaction around it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Select, select, true
from sqlalchemy.sql import ColumnElement

T = TypeVar("T")
_TOTAL = "listing_total"


def page_with_total(
    page: Select[Any], total: ColumnElement[int], order: Sequence[tuple[str, bool]]
) -> Select[Any]:
    """`SELECT total, page.* FROM (SELECT total) LEFT JOIN (page) ON true`, ordered again by
    `order` ((column name, descending?) pairs of the page's own order): the total comes
    with every row of the page, and alone (the page's columns null) beside an empty page.
    The page keeps its own plan (LIMIT, OFFSET, keyset condition, deep-page skipping)."""
    rows = page.subquery("listed")
    totals = select(total.label(_TOTAL)).subquery("totals")
    ordering = [rows.c[name].desc() if desc else rows.c[name].asc() for name, desc in order]
    return (
        select(totals.c[_TOTAL], *rows.c)
        .select_from(totals.outerjoin(rows, true()))
        .order_by(*ordering)
    )


def split_page(
    result: CursorResult[Any], from_row: Callable[[Any], T], key: str = "id"
) -> tuple[list[T], int]:
    """The page's entries and its total from the result of `page_with_total`."""
    found = result.mappings().all()
    total = int(found[0][_TOTAL] or 0) if found else 0
    return [from_row(row) for row in found if row[key] is not None], total
