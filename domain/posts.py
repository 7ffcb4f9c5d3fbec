"""A post: a title and a text an author writes, a draft until it is published."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import PolicyViolation
from domain.users import CONTROL_CHARACTERS, TEXT_CONTROL_CHARACTERS

MAX_TITLE_LENGTH = 255
MAX_CONTENT_LENGTH = 100_000
# JSON may carry lone surrogates (\ud800); they are not text and no database stores them.
_SURROGATES = "\ud800-\udfff"
_CONTROL_IN_TITLE = re.compile(f"[{CONTROL_CHARACTERS}{_SURROGATES}]")
_CONTROL_IN_CONTENT = re.compile(f"[{TEXT_CONTROL_CHARACTERS}{_SURROGATES}]")


def check_title(title: str) -> str:
    """One line of 1 to 255 characters, not all white space, without control characters."""
    if not 1 <= len(title) <= MAX_TITLE_LENGTH or not title.strip():
        raise PolicyViolation(f"title must be 1 to {MAX_TITLE_LENGTH} characters", field="title")
    if _CONTROL_IN_TITLE.search(title):
        raise PolicyViolation("title must not contain control characters", field="title")
    return title


def check_content(content: str) -> str:
    """1 to 100,000 characters of text: line breaks and tabs, but no other controls."""
    if not 1 <= len(content) <= MAX_CONTENT_LENGTH or not content.strip():
        raise PolicyViolation(
            f"content must be 1 to {MAX_CONTENT_LENGTH} characters", field="content"
        )
    if _CONTROL_IN_CONTENT.search(content):
        raise PolicyViolation("content must not contain control characters", field="content")
    return content


@dataclass(slots=True, kw_only=True)
class Post:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    author_id: uuid.UUID
    title: str
    content: str
    is_published: bool = False
    published_at: datetime | None = None  # the first publication; kept after unpublishing
    created_at: datetime
    updated_at: datetime

    @classmethod
    def write(
        cls,
        *,
        author_id: uuid.UUID,
        title: str,
        content: str,
        now: datetime,
        is_published: bool = False,
    ) -> Post:
        """A new draft, published at once when `is_published`."""
        post = cls(
            author_id=author_id,
            title=check_title(title),
            content=check_content(content),
            created_at=now,
            updated_at=now,
        )
        if is_published:
            post.publish(now)
        return post

    def publish(self, now: datetime) -> None:
        if self.published_at is None:  # the first publication is the one that counts
            self.published_at = now
        self.is_published = True
        self.updated_at = now

    def unpublish(self, now: datetime) -> None:
        """Back to a draft; `published_at` keeps the first publication."""
        self.is_published = False
        self.updated_at = now

    def edit(self, now: datetime, *, title: str | None = None, content: str | None = None) -> None:
        """Change the title, the content or both; what is not given stays."""
        if title is not None:
            self.title = check_title(title)
        if content is not None:
            self.content = check_content(content)
        self.updated_at = now

    def change(self, now: datetime, **changes: object) -> None:
        """Any of title, content, is_published; absent keys stay. A refused value raises
        before anything is stored (the use case saves only a change that passed)."""
        unknown = set(changes) - {"title", "content", "is_published"}
        if unknown:
            raise PolicyViolation(f"unknown field {sorted(unknown)[0]}", field="body")
        for name in ("title", "content"):
            if name in changes and not isinstance(changes[name], str):
                raise PolicyViolation(f"{name} must be text", field=name)
        title, content = changes.get("title"), changes.get("content")
        self.edit(
            now,
            title=str(title) if title is not None else None,
            content=str(content) if content is not None else None,
        )
        if "is_published" in changes:
            if changes["is_published"]:
                self.publish(now)
            else:
                self.unpublish(now)
