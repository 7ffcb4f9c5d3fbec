"""`/posts`: anyone reads what is published; authors (and superusers) write."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from application.posts import DeletePost, GetPost, ListPosts, PostQuery, UpdatePost, WritePost
from domain.posts import MAX_TITLE_LENGTH
from entrypoints.http.dependencies import CurrentUser, MaybeUser, Use
from entrypoints.http.errors import responses
from entrypoints.http.pagination import PageParams
from entrypoints.http.schemas.common import NO_CONTROL_CHARACTERS
from entrypoints.http.schemas.posts import PostCreate, PostOut, PostPage, PostUpdate

router = APIRouter(prefix="/posts", tags=["posts"])


@router.get("", responses=responses(401, 422), description=ListPosts.__doc__)
async def posts_list(
    actor: MaybeUser,
    page: PageParams,
    list_posts: Use[ListPosts],
    author_id: Annotated[uuid.UUID | None, Query(description="One author's posts.")] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_TITLE_LENGTH,
            pattern=NO_CONTROL_CHARACTERS,
            description="Part of the title, any case, taken literally.",
        ),
    ] = None,
    mine: Annotated[
        bool, Query(description="The caller's own posts, drafts included (needs a token).")
    ] = False,
) -> PostPage:
    query = PostQuery(author_id=author_id, q=(q or "").strip() or None, mine=mine)
    return PostPage.of(await list_posts(actor, query, page), PostOut.from_post)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=responses(401, 422),
    description=WritePost.__doc__,
)
async def posts_create(body: PostCreate, actor: CurrentUser, write_post: Use[WritePost]) -> PostOut:
    return PostOut.from_post(await write_post(actor, body.new_post()))


@router.get("/{post_id}", responses=responses(401, 404, 422), description=GetPost.__doc__)
async def posts_get(post_id: uuid.UUID, actor: MaybeUser, get_post: Use[GetPost]) -> PostOut:
    return PostOut.from_post(await get_post(actor, post_id))


@router.patch("/{post_id}", responses=responses(401, 403, 404, 422), description=UpdatePost.__doc__)
async def posts_update(
    post_id: uuid.UUID, body: PostUpdate, actor: CurrentUser, update_post: Use[UpdatePost]
) -> PostOut:
    return PostOut.from_post(await update_post(actor, post_id, body.changes()))


@router.delete(
    "/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=responses(401, 403, 404, 422),
    description=DeletePost.__doc__,
)
async def posts_delete(
    post_id: uuid.UUID, actor: CurrentUser, delete_post: Use[DeletePost]
) -> None:
    await delete_post(actor, post_id)
