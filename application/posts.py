"""Posts: anyone reads what is published, authors write, drafts stay with their author."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from application.pagination import NEWEST_FIRST, KeysetOrder, Page, PageRequest, Paginator
from application.ports import Clock, UnitOfWorkFactory
from application.ports.posts import PostFilter, PostKey
from domain.authorization import ensure_can_see_post, ensure_may_change_post
from domain.errors import NotAuthenticated
from domain.posts import Post
from domain.users import User


def _dump_published(key: PostKey) -> list[Any]:
    return [key[0].isoformat(), str(key[1])]


def _load_published(values: list[Any]) -> PostKey:
    published_at, post_id = values
    moment = datetime.fromisoformat(published_at)
    if moment.tzinfo is None:
        raise ValueError("naive timestamp")
    return moment, uuid.UUID(post_id)


# published_at desc, then id desc: the public order (of published posts only).
NEWEST_PUBLISHED: KeysetOrder[Post, PostKey] = KeysetOrder(
    name="published",
    key=PostFilter().key,
    dump=_dump_published,
    load=_load_published,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PostQuery:
    """What the caller asked the listing for."""

    author_id: uuid.UUID | None = None
    q: str | None = None
    mine: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class NewPost:
    title: str
    content: str
    is_published: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PostChanges:
    """The fields to change (`title`, `content`, `is_published`); the others stay."""

    values: dict[str, Any] = field(default_factory=dict)


class ListPosts:
    """The published posts, newest `published_at` first (then `id`), to anyone, with or
    without a token; `author_id` keeps one author's, `q` those whose title contains it (any
    case, taken literally: `%`, `_` and `\\` are characters). With `mine=true` (a token is
    needed: 401 without one) the caller's own posts, drafts included, newest `created_at`
    first."""

    def __init__(self, uow: UnitOfWorkFactory, paginator: Paginator) -> None:
        self._uow, self._paginator = uow, paginator

    async def __call__(
        self, actor: User | None, query: PostQuery, request: PageRequest
    ) -> Page[Post]:
        if query.mine and actor is None:
            raise NotAuthenticated("Sign in to list your own posts.")
        where = PostFilter(author_id=query.author_id, q=query.q)
        order: KeysetOrder[Post, Any] = NEWEST_PUBLISHED
        if query.mine and actor is not None:
            where = PostFilter(author_id=actor.id, q=query.q, drafts=True)
            order = NEWEST_FIRST
        binding = {
            "listing": "posts",
            "author_id": query.author_id,
            "q": query.q,
            # Bound to the caller too: one author's cursor is no use in another's listing.
            "mine": str(actor.id) if query.mine and actor is not None else None,
        }
        window = self._paginator.window(request, order, binding)
        if query.mine and query.author_id not in (None, where.author_id):
            return self._paginator.page(request, order, binding, [], 0)  # nobody else's
        # One statement (the page and its total together): no transaction needed around it.
        async with self._uow(read_only=True, one_statement=True) as uow:
            rows, total = await uow.posts.search_counted(
                where, limit=window.limit, offset=window.offset, after=window.after
            )
        return self._paginator.page(request, order, binding, rows, total)


class GetPost:
    """One post: a published one to anyone, a draft to its author and superusers (404 for
    anyone else)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User | None, post_id: uuid.UUID) -> Post:
        async with self._uow(read_only=True) as uow:
            return ensure_can_see_post(actor, await uow.posts.get(post_id))


class WritePost:
    """Write a post as the caller: a draft unless `is_published`."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, new: NewPost) -> Post:
        post = Post.write(
            author_id=actor.id,
            title=new.title,
            content=new.content,
            is_published=new.is_published,
            now=self._clock.now(),
        )
        # The INSERT alone (the triggers keep the counts within it).
        async with self._uow(one_statement=True) as uow:
            await uow.posts.add(post)
            await uow.commit()
        return post


class UpdatePost:
    """Change a post's title, content or publication (author or superuser). Publishing sets
    `published_at` the first time only; it is kept after unpublishing. Another user gets 403
    on a published post and 404 on a draft."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, actor: User, post_id: uuid.UUID, changes: PostChanges) -> Post:
        async with self._uow() as uow:
            post = ensure_may_change_post(actor, await uow.posts.get_for_update(post_id))
            post.change(self._clock.now(), **changes.values)
            await uow.posts.update(post)
            await uow.commit()
        return post


class DeletePost:
    """Delete a post (author or superuser); another user gets 403 on a published post and
    404 on a draft."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, actor: User, post_id: uuid.UUID) -> None:
        async with self._uow() as uow:
            ensure_may_change_post(actor, await uow.posts.get_for_update(post_id))
            await uow.posts.delete(post_id)
            await uow.commit()
