"""An item: something a user owns, with a title and an optional description.

The rules of its text are written here once; the HTTP schema publishes the same numbers and
every adapter stores what these checks let through.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import PolicyViolation
from domain.users import CONTROL_CHARACTERS, TEXT_CONTROL_CHARACTERS

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
# JSON may carry lone surrogates, which no database can store as text.
_SURROGATES = "\ud800-\udfff"
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}{_SURROGATES}]")
_CONTROL_IN_TEXT = re.compile(f"[{TEXT_CONTROL_CHARACTERS}{_SURROGATES}]")
ITEM_FIELDS = frozenset({"title", "description"})


def check_title(title: object) -> str:
    """One line of 1 to 200 characters, not blank, without control characters."""
    if not isinstance(title, str) or not 1 <= len(title) <= MAX_TITLE_LENGTH or title.isspace():
        raise PolicyViolation(f"title must be 1 to {MAX_TITLE_LENGTH} characters", field="title")
    if _CONTROL.search(title):
        raise PolicyViolation("title must not contain control characters", field="title")
    return title


def check_description(description: object) -> str | None:
    """Running text of at most 2,000 characters (line breaks and tabs allowed), or None."""
    if description is None:
        return None
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION_LENGTH:
        raise PolicyViolation(
            f"description must be at most {MAX_DESCRIPTION_LENGTH} characters",
            field="description",
        )
    if _CONTROL_IN_TEXT.search(description):
        raise PolicyViolation(
            "description must not contain control characters", field="description"
        )
    return description


@dataclass(slots=True, kw_only=True)
class Item:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    owner_id: uuid.UUID
    title: str
    description: str | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls, *, owner_id: uuid.UUID, title: str, now: datetime, description: str | None = None
    ) -> Item:
        return cls(
            owner_id=owner_id,
            title=check_title(title),
            description=check_description(description),
            created_at=now,
            updated_at=now,
        )

    def change(self, now: datetime, **changes: str | None) -> None:
        """Set the title and/or the description (None clears it); absent keys stay. Nothing
        changes unless every given value passes."""
        unknown = set(changes) - ITEM_FIELDS
        if unknown:
            raise PolicyViolation(f"unknown field {sorted(unknown)[0]}", field="body")
        title = check_title(changes["title"]) if "title" in changes else self.title
        description = (
            check_description(changes["description"])
            if "description" in changes
            else self.description
        )
        self.title, self.description, self.updated_at = title, description, now
