from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from adapters.memory.tables import DELETE_ROWS, MemoryTable
from application.ports.posts import PostFilter, PostKey, PostRepository
from domain.posts import Post

# An account's posts go with it, as ON DELETE CASCADE does in SQL.
POSTS = MemoryTable("posts", owner="author_id", on_account_deleted=DELETE_ROWS)


class InMemoryPostRepository(PostRepository):
    """Posts in a dict, copied in and out as rows would be."""

    def __init__(self, rows: dict[uuid.UUID, Any]) -> None:
        self._rows: dict[uuid.UUID, Post] = rows

    async def add(self, post: Post) -> None:
        self._rows[post.id] = replace(post)

    async def get(self, post_id: uuid.UUID) -> Post | None:
        post = self._rows.get(post_id)
        return replace(post) if post else None

    async def get_for_update(self, post_id: uuid.UUID) -> Post | None:
        return await self.get(post_id)  # the store runs one unit of work at a time

    async def update(self, post: Post) -> None:
        stored = self._rows.get(post.id)
        if stored is not None:
            self._rows[post.id] = replace(
                post, author_id=stored.author_id, created_at=stored.created_at
            )

    async def delete(self, post_id: uuid.UUID) -> None:
        self._rows.pop(post_id, None)

    async def search(
        self, where: PostFilter, *, limit: int, offset: int = 0, after: PostKey | None = None
    ) -> list[Post]:
        found = sorted(
            (p for p in self._rows.values() if where.matches(p)), key=where.key, reverse=True
        )
        if after is not None:
            found = [p for p in found if where.key(p) < after]
        return [replace(p) for p in found[offset : offset + limit]]

    async def count(self, where: PostFilter) -> int:
        return sum(1 for p in self._rows.values() if where.matches(p))

    async def search_counted(
        self, where: PostFilter, *, limit: int, offset: int = 0, after: PostKey | None = None
    ) -> tuple[list[Post], int]:
        rows = await self.search(where, limit=limit, offset=offset, after=after)
        return rows, await self.count(where)
