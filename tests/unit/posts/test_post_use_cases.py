"""Post use cases on the memory adapters: who sees and changes what, and the listings."""

from __future__ import annotations

import uuid

import pytest

from adapters.memory.store import InMemoryStore
from adapters.memory.unit_of_work import InMemoryUnitOfWork
from adapters.security.signing import HmacSigner
from application.pagination import PageRequest, Paginator
from application.posts import (
    DeletePost,
    GetPost,
    ListPosts,
    NewPost,
    PostChanges,
    PostQuery,
    UpdatePost,
    WritePost,
)
from domain.errors import InvalidCursor, NotAuthenticated, NotFound, PermissionDenied
from domain.users import User
from tests.support.accounts import make_user
from tests.support.clock import FakeClock


class Posts:
    """The post use cases over one in-memory store."""

    def __init__(self) -> None:
        self.store, self.clock = InMemoryStore(), FakeClock()
        uow = lambda **_: InMemoryUnitOfWork(self.store, self.clock)  # noqa: E731
        paginator = Paginator(HmacSigner("posts-test-secret-0123456789-0123456789", "cursor"))
        self.list = ListPosts(uow, paginator)
        self.get = GetPost(uow)
        self.write_post = WritePost(uow, self.clock)
        self.update = UpdatePost(uow, self.clock)
        self.delete = DeletePost(uow)

    async def write(self, author: User, title: str = "Hello", **fields):
        self.clock.advance(seconds=1)
        return await self.write_post(author, NewPost(title=title, content="Text", **fields))


@pytest.fixture
def posts() -> Posts:
    return Posts()


ann, bob, root = make_user(), make_user(), make_user(is_superuser=True)


async def test_a_draft_is_seen_by_its_author_and_superusers_only(posts) -> None:
    draft = await posts.write(ann)
    for actor in (ann, root):
        assert (await posts.get(actor, draft.id)).id == draft.id
    for actor in (bob, None):
        with pytest.raises(NotFound):
            await posts.get(actor, draft.id)
    published = await posts.write(ann, is_published=True)
    for actor in (ann, bob, root, None):
        assert (await posts.get(actor, published.id)).id == published.id


async def test_another_user_gets_403_on_a_published_post_and_404_on_a_draft(posts) -> None:
    draft, published = await posts.write(ann), await posts.write(ann, is_published=True)
    change = PostChanges(values={"title": "Mine now"})
    with pytest.raises(NotFound):
        await posts.update(bob, draft.id, change)
    with pytest.raises(NotFound):
        await posts.delete(bob, draft.id)
    with pytest.raises(PermissionDenied):
        await posts.update(bob, published.id, change)
    with pytest.raises(PermissionDenied):
        await posts.delete(bob, published.id)
    assert (await posts.get(ann, published.id)).title == "Hello"
    assert (await posts.update(root, draft.id, change)).title == "Mine now"
    await posts.delete(root, published.id)
    with pytest.raises(NotFound):
        await posts.get(ann, published.id)
    with pytest.raises(NotFound):
        await posts.update(ann, uuid.uuid4(), change)


async def test_publishing_twice_keeps_the_first_time(posts) -> None:
    draft = await posts.write(ann)
    first = await posts.update(ann, draft.id, PostChanges(values={"is_published": True}))
    posts.clock.advance(seconds=5)
    hidden = await posts.update(ann, draft.id, PostChanges(values={"is_published": False}))
    posts.clock.advance(seconds=5)
    again = await posts.update(ann, draft.id, PostChanges(values={"is_published": True}))
    assert first.published_at == hidden.published_at == again.published_at is not None
    assert again.updated_at > first.updated_at


async def test_the_public_list_mine_and_their_cursors(posts) -> None:
    made = [await posts.write(ann, f"Ann {i}", is_published=i % 2 == 0) for i in range(5)]
    theirs = await posts.write(bob, "Bob 50%", is_published=True)
    public = await posts.list(None, PostQuery(), PageRequest(size=10))
    assert [p.id for p in public.items] == [theirs.id, made[4].id, made[2].id, made[0].id]
    by_ann = await posts.list(bob, PostQuery(author_id=ann.id), PageRequest(size=10))
    assert [p.id for p in by_ann.items] == [made[4].id, made[2].id, made[0].id]
    found = await posts.list(None, PostQuery(q="50%"), PageRequest(size=10))
    assert [p.id for p in found.items] == [theirs.id]
    assert (await posts.list(None, PostQuery(q="5_%"), PageRequest(size=10))).total == 0
    mine = await posts.list(ann, PostQuery(mine=True), PageRequest(size=2))
    assert (mine.total, [p.id for p in mine.items]) == (5, [made[4].id, made[3].id])
    with pytest.raises(NotAuthenticated):
        await posts.list(None, PostQuery(mine=True), PageRequest())
    # Bound to the caller, the filters and the order.
    for actor, query in ((bob, PostQuery(mine=True)), (ann, PostQuery())):
        with pytest.raises(InvalidCursor):
            await posts.list(actor, query, PageRequest(size=2, cursor=mine.next_cursor))
    rest = await posts.list(ann, PostQuery(mine=True), PageRequest(size=2, cursor=mine.next_cursor))
    assert [p.id for p in rest.items] == [made[2].id, made[1].id] and rest.page is None
    nobody = await posts.list(ann, PostQuery(mine=True, author_id=bob.id), PageRequest())
    assert (nobody.total, nobody.items) == (0, [])


async def test_deleting_the_account_deletes_its_posts(posts) -> None:
    kept = await posts.write(bob, is_published=True)
    gone = [await posts.write(ann, is_published=True), await posts.write(ann)]
    async with InMemoryUnitOfWork(posts.store, posts.clock) as uow:
        await uow.users.add(ann)
        await uow.commit()
    async with InMemoryUnitOfWork(posts.store, posts.clock) as uow:
        await uow.users.delete(ann.id)
        await uow.commit()
    for post in gone:
        with pytest.raises(NotFound):
            await posts.get(root, post.id)
    assert (await posts.get(root, kept.id)).id == kept.id
