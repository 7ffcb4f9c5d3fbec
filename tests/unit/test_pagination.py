"""Pages and keyset cursors, on plain lists: bounds, page arithmetic, and cursors that cannot
be forged, edited or replayed against another query."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.security.signing import HmacSigner
from application.pagination import NEWEST_FIRST, Page, PageRequest, Paginator
from domain.errors import InvalidCursor, PolicyViolation

START = datetime(2026, 1, 1, tzinfo=UTC)
BINDING = {"listing": "things", "q": None}


@dataclass(frozen=True)
class Thing:
    id: uuid.UUID
    created_at: datetime


def paginator(secret: str = "s" * 40) -> Paginator:
    return Paginator(HmacSigner(secret, "pagination cursor"))


def things(count: int, same_time_every: int = 1) -> list[Thing]:
    # Several share a created_at when same_time_every > 1: the id breaks the tie.
    return [
        Thing(uuid.uuid4(), START + timedelta(seconds=i // same_time_every)) for i in range(count)
    ]


def fetch(pages: Paginator, items: list[Thing], request: PageRequest, binding=BINDING) -> Page:
    """What a repository does with a window: newest first, offset or strictly after a key."""
    window = pages.window(request, NEWEST_FIRST, binding)
    ordered = sorted(items, key=lambda t: (t.created_at, t.id), reverse=True)
    if window.after is not None:
        ordered = [t for t in ordered if (t.created_at, t.id) < window.after]
    rows = ordered[window.offset : window.offset + window.limit]
    return pages.page(request, NEWEST_FIRST, binding, rows, len(items))


@pytest.mark.parametrize(
    "kwargs",
    [{"size": 0}, {"size": 101}, {"page": 0}, {"page": -1}, {"page": 10_000_001}],
)
def test_out_of_range_page_and_size_are_refused(kwargs) -> None:
    with pytest.raises(PolicyViolation):
        PageRequest(**kwargs)


def test_page_and_cursor_together_or_an_empty_cursor_are_refused() -> None:
    with pytest.raises(InvalidCursor):
        PageRequest(page=1, cursor="abc")
    with pytest.raises(InvalidCursor):
        PageRequest(cursor="")


@given(st.integers(0, 250), st.integers(1, 100))
def test_pages_is_the_ceiling_of_total_over_size(total: int, size: int) -> None:
    page = Page(items=[], total=total, page=1, size=size, next_cursor=None)
    assert page.pages == (total + size - 1) // size
    assert (page.pages == 0) is (total == 0)


@given(st.integers(0, 40), st.integers(1, 12), st.integers(1, 4))
def test_walking_by_cursor_gives_the_same_items_as_walking_by_page(
    count: int, size: int, same_time_every: int
) -> None:
    pages, items = paginator(), things(count, same_time_every)
    by_page, number = [], 1
    while True:
        page = fetch(pages, items, PageRequest(size=size, page=number))
        assert page.page == number and page.total == count
        if not page.items:
            break
        by_page.append(page.items)
        number += 1
    by_cursor, cursor = [], None
    while True:
        page = fetch(pages, items, PageRequest(size=size, cursor=cursor))
        by_cursor.append(page.items)
        assert page.page is None or cursor is None
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [t for chunk in by_cursor for t in chunk] == [t for chunk in by_page for t in chunk]
    assert len([c for c in by_cursor if c]) == len(by_page) == -(-count // size)


def test_the_last_page_has_no_next_cursor_and_a_full_one_has() -> None:
    pages, items = paginator(), things(4)
    assert fetch(pages, items, PageRequest(size=2, page=1)).next_cursor is not None
    assert fetch(pages, items, PageRequest(size=2, page=2)).next_cursor is None
    assert fetch(pages, items, PageRequest(size=4)).next_cursor is None


def test_a_cursor_is_refused_for_other_filters_or_another_listing() -> None:
    pages = paginator()
    cursor = fetch(pages, things(3), PageRequest(size=1)).next_cursor
    for other in ({"listing": "things", "q": "x"}, {"listing": "others", "q": None}):
        with pytest.raises(InvalidCursor, match="other filters"):
            pages.window(PageRequest(cursor=cursor), NEWEST_FIRST, other)


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    cursor = fetch(paginator("a" * 40), things(3), PageRequest(size=1)).next_cursor
    with pytest.raises(InvalidCursor):
        paginator("b" * 40).window(PageRequest(cursor=cursor), NEWEST_FIRST, BINDING)


@given(st.data())
def test_any_edit_to_a_cursor_is_detected(data: st.DataObject) -> None:
    pages = paginator()
    cursor = fetch(pages, things(3), PageRequest(size=1)).next_cursor
    assert cursor is not None
    position = data.draw(st.integers(0, len(cursor) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda c: c != cursor[position]))
    tampered = cursor[:position] + replacement + cursor[position + 1 :]
    with pytest.raises(InvalidCursor):
        pages.window(PageRequest(cursor=tampered), NEWEST_FIRST, BINDING)


@pytest.mark.parametrize("garbage", ["x", ".", "abc.def", "e30.e30", "ééé", "a" * 500])
def test_garbage_is_an_invalid_cursor(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        paginator().window(PageRequest(cursor=garbage), NEWEST_FIRST, BINDING)


def test_a_signed_payload_of_the_wrong_shape_is_an_invalid_cursor() -> None:
    signer = HmacSigner("s" * 40, "pagination cursor")
    for payload in (b"not json", b"[]", b'{"b": "x"}'):
        with pytest.raises(InvalidCursor):
            paginator().window(PageRequest(cursor=signer.sign(payload)), NEWEST_FIRST, BINDING)


def test_signers_for_different_purposes_do_not_accept_each_others_tokens() -> None:
    cursors, other = HmacSigner("s" * 40, "pagination cursor"), HmacSigner("s" * 40, "other")
    token = cursors.sign(b"payload")
    assert cursors.unsign(token) == b"payload"
    assert other.unsign(token) is None
