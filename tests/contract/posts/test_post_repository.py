"""The post repository on every backend: rows, the cascade, listings and keyset walks."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from application.ports.posts import PostFilter
from domain.posts import Post
from tests.contract.backends import Backend


async def add(backend: Backend, author, *, at: int = 0, published: bool = True, **fields) -> Post:
    now = backend.clock.now() + timedelta(seconds=at)
    values = {"title": "Hello", "content": "Text"} | fields
    post = Post.write(author_id=author.id, now=now, is_published=published, **values)
    async with backend.uow() as uow:
        await uow.posts.add(post)
        await uow.commit()
    return post


async def get(backend: Backend, post_id: uuid.UUID) -> Post | None:
    async with backend.uow() as uow:
        return await uow.posts.get(post_id)


async def listing(backend: Backend, where: PostFilter, **window) -> list[Post]:
    async with backend.uow() as uow:
        return await uow.posts.search(where, limit=window.pop("limit", 1000), **window)


async def test_posts_round_trip_exactly_and_update_keeps_author_and_creation(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    post = await add(backend, ann, title="Grüße 🎉", content="one\r\ntwo\tthree" * 1000)
    assert await get(backend, post.id) == post
    later = backend.clock.now() + timedelta(minutes=1)
    async with backend.uow() as uow:
        stored = await uow.posts.get_for_update(post.id)
        stored.change(later, title="New", is_published=False)
        stored.author_id, stored.created_at = bob.id, later  # not written back
        await uow.posts.update(stored)
        await uow.commit()
    again = await get(backend, post.id)
    assert (again.title, again.is_published, again.published_at, again.updated_at) == (
        "New",
        False,
        post.published_at,
        later,
    )
    assert (again.author_id, again.created_at) == (ann.id, post.created_at)
    async with backend.uow() as uow:
        await uow.posts.delete(post.id)  # rolled back: no commit
    assert await get(backend, post.id) is not None
    async with backend.uow() as uow:
        await uow.posts.delete(post.id)
        await uow.commit()
    assert await get(backend, post.id) is None


async def test_deleting_an_account_deletes_its_posts(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    gone = [await add(backend, ann), await add(backend, ann, published=False)]
    kept = await add(backend, bob)
    async with backend.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    assert [await get(backend, p.id) for p in gone] == [None, None]
    assert await get(backend, kept.id) == kept


async def test_the_listings_order_filter_and_count(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    # Equal timestamps on purpose: the id breaks the tie.
    made = [
        await add(backend, ann if i % 3 else bob, at=i // 2, published=i % 4 != 3, title=f"T{i}")
        for i in range(12)
    ]
    published = [p for p in made if p.is_published]
    cases = [
        (PostFilter(), published, lambda p: (p.published_at, p.id)),
        (
            PostFilter(author_id=ann.id),
            [p for p in published if p.author_id == ann.id],
            lambda p: (p.published_at, p.id),
        ),
        (
            PostFilter(author_id=ann.id, drafts=True),
            [p for p in made if p.author_id == ann.id],
            lambda p: (p.created_at, p.id),
        ),
    ]
    for where, expected, key in cases:
        expected = sorted(expected, key=key, reverse=True)
        assert [p.id for p in await listing(backend, where)] == [p.id for p in expected]
        async with backend.uow() as uow:
            assert await uow.posts.count(where) == len(expected)
        # Offset and keyset windows agree with the whole listing.
        assert await listing(backend, where, limit=3, offset=2) == expected[2:5]
        assert await listing(backend, where, limit=3, after=key(expected[1])) == expected[2:5]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("100%", ["Save 100% now"]),
        ("%", ["Save 100% now"]),
        ("_", ["snake_case tips"]),
        ("e_c", ["snake_case tips"]),
        ("\\", ["C:\\temp paths"]),
        ("\\t", ["C:\\temp paths"]),
        ("ÉMILE", ["Émile's notes"]),
        ("SAVE", ["Save 100% now"]),
        ("10_%", []),
        ("x%y", []),
    ],
)
async def test_q_is_a_literal_case_insensitive_part_of_the_title(backend, q, expected) -> None:
    ann = await backend.add_user()
    for title in ("Save 100% now", "snake_case tips", "C:\\temp paths", "Émile's notes", "Sxe"):
        await add(backend, ann, title=title)
    await add(backend, ann, title="Save 100% draft version", published=False)
    where = PostFilter(q=q)
    assert [p.title for p in await listing(backend, where)] == expected
    async with backend.uow() as uow:
        assert await uow.posts.count(where) == len(expected)


async def test_a_keyset_walk_meets_every_row_once_while_rows_are_added(backend) -> None:
    ann = await backend.add_user()
    before = [await add(backend, ann, at=i // 3) for i in range(15)]
    met: list[uuid.UUID] = []
    after = None
    added = 0
    while True:
        page = await listing(backend, PostFilter(), limit=4, after=after)
        met += [p.id for p in page]
        if len(page) < 4:
            break
        after = page[-1].published_at, page[-1].id
        # Newer posts land in front of the walk while it goes on: never met, never twice.
        await add(backend, ann, at=100 + added)
        added += 1
    assert len(met) == len(set(met)) == len(before)
    assert set(met) == {p.id for p in before}
    assert added >= 3


async def test_the_published_count_follows_every_write_and_the_cascade(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    public, everything = PostFilter(), PostFilter(author_id=ann.id, drafts=True)

    async def counts() -> tuple[int, int]:
        async with backend.uow() as uow:
            return await uow.posts.count(public), await uow.posts.count(everything)

    assert await counts() == (0, 0)
    draft, published = await add(backend, ann, published=False), await add(backend, ann)
    await add(backend, bob)
    assert await counts() == (2, 2)
    for changes, expected in (
        ({"is_published": True}, (3, 2)),
        ({"title": "Same state"}, (3, 2)),
        ({"is_published": False}, (2, 2)),
    ):
        async with backend.uow() as uow:
            post = await uow.posts.get_for_update(draft.id)
            post.change(backend.clock.now(), **changes)
            await uow.posts.update(post)
            await uow.commit()
        assert await counts() == expected
    async with backend.uow() as uow:  # rolled back: the count too
        await uow.posts.delete(published.id)
    assert await counts() == (2, 2)
    async with backend.uow() as uow:
        await uow.posts.delete(published.id)
        await uow.commit()
    assert await counts() == (1, 1)
    await add(backend, ann)
    async with backend.uow() as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    assert await counts() == (1, 0)


async def test_a_page_counted_is_the_search_and_the_count_of_one_moment(backend) -> None:
    ann, bob = await backend.add_user(), await backend.add_user()
    made = [
        await add(backend, ann if i % 3 else bob, at=i // 2, published=i % 4 != 3, title=f"T{i}")
        for i in range(12)
    ]
    newest = sorted(
        (p for p in made if p.is_published), key=lambda p: (p.published_at, p.id), reverse=True
    )
    filters = [
        PostFilter(),  # the kept count
        PostFilter(author_id=ann.id),
        PostFilter(author_id=ann.id, drafts=True),
        PostFilter(q="t1"),
        PostFilter(author_id=uuid.uuid4()),
    ]
    windows = [
        {"limit": 3},
        {"limit": 3, "offset": 2},  # the deep-page statement
        {"limit": 3, "offset": 100},  # beyond the end: no rows, still the total
        {"limit": 2, "after": (newest[1].published_at, newest[1].id)},
    ]
    for where in filters:
        for window in windows:
            async with backend.uow() as uow:
                expected = (
                    await uow.posts.search(where, **window),
                    await uow.posts.count(where),
                )
                assert await uow.posts.search_counted(where, **window) == expected, (where, window)
    async with backend.uow() as uow:
        assert await uow.posts.search_counted(PostFilter(), limit=3) == (newest[:3], len(newest))
