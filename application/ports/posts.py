from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.posts import Post
from domain.text_search import contains_text

# A position in a listing: (published_at, id) in the public order, (created_at, id) in an
# author's own, of the last post already shown.
PostKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True, slots=True, kw_only=True)
class PostFilter:
    """Which posts a listing shows. Without `drafts`: the published ones, newest
    `published_at` first; with `drafts`: every post (an author's own listing), newest
    `created_at` first. `q`: a case-insensitive substring of the title, taken literally."""

    author_id: uuid.UUID | None = None
    q: str | None = None
    drafts: bool = False

    def matches(self, post: Post) -> bool:
        if not self.drafts and not post.is_published:
            return False
        if self.author_id is not None and post.author_id != self.author_id:
            return False
        return not self.q or contains_text(post.title, self.q)

    def key(self, post: Post) -> PostKey:
        """The post's position in this listing's order (descending, then id descending)."""
        if self.drafts:
            return post.created_at, post.id
        assert post.published_at is not None  # a published post has been published
        return post.published_at, post.id


class PostRepository(Protocol):
    """Posts; part of a unit of work. An account's posts go with it."""

    async def add(self, post: Post) -> None: ...

    async def get(self, post_id: uuid.UUID) -> Post | None: ...

    async def get_for_update(self, post_id: uuid.UUID) -> Post | None:
        """Like `get`, with the row locked until the unit of work ends, so two edits of one
        post apply one after the other instead of the second undoing the first."""
        ...

    async def update(self, post: Post) -> None:
        """Write back every field of `post` but `author_id` and `created_at`."""
        ...

    async def delete(self, post_id: uuid.UUID) -> None: ...

    async def search(
        self, where: PostFilter, *, limit: int, offset: int = 0, after: PostKey | None = None
    ) -> list[Post]:
        """Matching posts in the filter's order (see PostFilter): skip `offset`, or start
        strictly after the position `after`; at most `limit`."""
        ...

    async def search_counted(
        self, where: PostFilter, *, limit: int, offset: int = 0, after: PostKey | None = None
    ) -> tuple[list[Post], int]:
        """`search` and `count` together, as of one moment (one statement on a database)."""
        ...

    async def count(self, where: PostFilter) -> int:
        """How many posts match, exactly."""
        ...
