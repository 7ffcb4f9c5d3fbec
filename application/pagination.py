"""Paginated listings, the same way for every resource.

A listing is read by page number (`page`, `size`) or by an opaque keyset cursor: the position
of the last item shown, signed, and bound to the listing, its filters and its sort, so it
cannot be forged, edited, or replayed against another query. Both ways report the same
`total` and `pages`; the cursor's cost does not grow with depth.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from application.ports import Signer
from domain.errors import InvalidCursor, PolicyViolation

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Offsets beyond this many pages are no use to anyone (the cursor is for depth), and a page
# number of any size would overflow the database's integer offset.
MAX_PAGE_NUMBER = 10_000_000

T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True, slots=True, kw_only=True)
class PageRequest:
    """`page` (default 1) or `cursor`, never both; `size` items per page."""

    size: int = DEFAULT_PAGE_SIZE
    page: int | None = None
    cursor: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise PolicyViolation(f"size must be 1 to {MAX_PAGE_SIZE}", field="size")
        if self.page is not None and not 1 <= self.page <= MAX_PAGE_NUMBER:
            raise PolicyViolation(f"page must be 1 to {MAX_PAGE_NUMBER}", field="page")
        if self.cursor is not None and self.page is not None:
            raise InvalidCursor("Pass either page or cursor, not both.")
        if self.cursor is not None and not self.cursor:
            raise InvalidCursor("The cursor is empty.")

    @property
    def number(self) -> int | None:
        """The page number, or None when reading by cursor."""
        return None if self.cursor is not None else (self.page or 1)


@dataclass(frozen=True, slots=True, kw_only=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int | None
    size: int
    next_cursor: str | None

    @property
    def pages(self) -> int:
        return -(-self.total // self.size)


@dataclass(frozen=True, slots=True, kw_only=True)
class Window(Generic[K]):
    """What to ask the repository for: one row more than the page shows, to learn whether
    there is a next page without counting."""

    limit: int
    offset: int
    after: K | None


@dataclass(frozen=True, slots=True, kw_only=True)
class KeysetOrder(Generic[T, K]):
    """A sort order of a listing, and how its position is written into a cursor."""

    name: str
    key: Callable[[T], K]
    dump: Callable[[K], list[Any]]
    load: Callable[[list[Any]], K]  # ValueError/TypeError for a shape it does not know


def _dump_newest(key: tuple[datetime, uuid.UUID]) -> list[Any]:
    return [key[0].isoformat(), str(key[1])]


def _load_newest(values: list[Any]) -> tuple[datetime, uuid.UUID]:
    created_at, item_id = values
    moment = datetime.fromisoformat(created_at)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment, uuid.UUID(item_id)


# created_at desc, then id desc: the default order of every listing.
NEWEST_FIRST: KeysetOrder[Any, tuple[datetime, uuid.UUID]] = KeysetOrder(
    name="newest", key=lambda item: (item.created_at, item.id), dump=_dump_newest, load=_load_newest
)


class Paginator:
    """Turns a PageRequest into a window to fetch, and the fetched rows into a Page."""

    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def window(
        self, request: PageRequest, order: KeysetOrder[Any, K], binding: Mapping[str, Any]
    ) -> Window[K]:
        """`binding` names the listing and its filters; a cursor made for another is refused."""
        if request.cursor is None:
            offset = ((request.number or 1) - 1) * request.size
            return Window(limit=request.size + 1, offset=offset, after=None)
        return Window(
            limit=request.size + 1, offset=0, after=self._decode(request.cursor, order, binding)
        )

    def page(
        self,
        request: PageRequest,
        order: KeysetOrder[T, K],
        binding: Mapping[str, Any],
        rows: Sequence[T],
        total: int,
    ) -> Page[T]:
        items = list(rows[: request.size])
        more = len(rows) > request.size
        next_cursor = self._encode(order.key(items[-1]), order, binding) if more else None
        return Page(
            items=items,
            total=total,
            page=request.number,
            size=request.size,
            next_cursor=next_cursor,
        )

    def _encode(self, key: Any, order: KeysetOrder[Any, Any], binding: Mapping[str, Any]) -> str:
        payload = {"b": _fingerprint(order, binding), "k": order.dump(key)}
        return self._signer.sign(json.dumps(payload, separators=(",", ":")).encode())

    def _decode(self, cursor: str, order: KeysetOrder[Any, K], binding: Mapping[str, Any]) -> K:
        raw = self._signer.unsign(cursor)
        if raw is None:
            raise InvalidCursor("The cursor is malformed or was altered.")
        try:
            payload = json.loads(raw)
            if payload["b"] != _fingerprint(order, binding):
                raise InvalidCursor("The cursor was made for other filters or another sort.")
            return order.load(payload["k"])
        except (ValueError, TypeError, KeyError) as exc:
            raise InvalidCursor() from exc


def _fingerprint(order: KeysetOrder[Any, Any], binding: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {"sort": order.name, **binding}, sort_keys=True, separators=(",", ":"), default=str
    )
    digest = hashlib.sha256(canonical.encode()).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode()
