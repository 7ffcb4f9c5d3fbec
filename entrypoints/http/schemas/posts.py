from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from application.posts import NewPost, PostChanges
from domain.posts import MAX_CONTENT_LENGTH, MAX_TITLE_LENGTH, Post
from domain.users import TEXT_CONTROL_CHARACTERS
from entrypoints.http.pagination import PageOut
from entrypoints.http.schemas.common import (
    NO_CONTROL_CHARACTERS,
    VISIBLE_TEXT_SCHEMA,
    RequestModel,
    UtcDatetime,
)

# White space as the schema's pattern sees it (the same set as the one-line texts').
_WHITE_SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Published: line breaks and tabs allowed, other controls not, and something visible.
# Enforced as "stripped, then at least one character, no controls": the same rule.
_CONTENT_SCHEMA = {"pattern": f"^(?=[\\s\\S]*[^{_WHITE_SPACE}])[^{TEXT_CONTROL_CHARACTERS}]*$"}

Title = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_TITLE_LENGTH,
        pattern=NO_CONTROL_CHARACTERS,
    ),
    Field(json_schema_extra=VISIBLE_TEXT_SCHEMA, examples=["Hello, world"]),
]
Content = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=MAX_CONTENT_LENGTH,
        pattern=f"^[^{TEXT_CONTROL_CHARACTERS}]*$",
    ),
    Field(json_schema_extra=_CONTENT_SCHEMA, examples=["The first post.\n\nMore to come."]),
]


class PostOut(BaseModel):
    """A post; `published_at` is its first publication (null until then, kept after
    unpublishing)."""

    id: uuid.UUID
    title: str
    content: str
    is_published: bool
    published_at: UtcDatetime | None
    author_id: uuid.UUID
    created_at: UtcDatetime
    updated_at: UtcDatetime

    @classmethod
    def from_post(cls, post: Post) -> PostOut:
        return cls(
            id=post.id,
            title=post.title,
            content=post.content,
            is_published=post.is_published,
            published_at=post.published_at,
            author_id=post.author_id,
            created_at=post.created_at,
            updated_at=post.updated_at,
        )


class PostPage(PageOut[PostOut]):
    """A page of posts."""


class PostCreate(RequestModel):
    title: Title
    content: Content
    is_published: bool = Field(default=False, description="Publish at once (default: a draft).")

    def new_post(self) -> NewPost:
        return NewPost(title=self.title, content=self.content, is_published=self.is_published)


# Fields left out keep their value; an explicit null is refused (422).


class PostUpdate(RequestModel):
    title: Title = Field(default=None)  # type: ignore[assignment]
    content: Content = Field(default=None)  # type: ignore[assignment]
    is_published: bool = Field(
        default=None,  # type: ignore[assignment]
        description="true publishes (the first time sets `published_at`), false unpublishes.",
    )

    def changes(self) -> PostChanges:
        values: dict[str, Any] = {name: getattr(self, name) for name in self.model_fields_set}
        return PostChanges(values=values)
