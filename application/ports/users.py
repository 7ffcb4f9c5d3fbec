from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.text_search import contains_text
from domain.users import User

# A position in the newest-first order: (created_at, id) of the last user already shown.
NewestFirstKey = tuple[datetime, uuid.UUID]


@dataclass(frozen=True, slots=True, kw_only=True)
class UserFilter:
    """Which users a listing shows. `q`: a case-insensitive substring of e-mail or name."""

    q: str | None = None
    is_active: bool | None = None

    def matches(self, user: User) -> bool:
        if self.is_active is not None and user.is_active != self.is_active:
            return False
        if self.q:
            return contains_text(user.email, self.q) or contains_text(user.name, self.q)
        return True


class UserRepository(Protocol):
    """User accounts; part of a unit of work. E-mails are unique (EmailTaken otherwise)."""

    async def add(self, user: User) -> None:
        """Insert a new user; raises EmailTaken when the e-mail is in use."""
        ...

    async def get(self, user_id: uuid.UUID) -> User | None: ...

    async def get_for_update(self, user_id: uuid.UUID) -> User | None:
        """Like `get`, and the row stays locked until the unit of work ends, so a
        read-modify-write cannot lose a concurrent change."""
        ...

    async def get_by_email(self, email: str) -> User | None:
        """Look up by normalised e-mail."""
        ...

    async def update(self, user: User) -> None:
        """Write back every field of `user`; raises EmailTaken when the new e-mail is in use."""
        ...

    async def delete(self, user_id: uuid.UUID) -> None:
        """Delete the account; its login sessions and other owned rows go with it."""
        ...

    async def lock_active_superusers(self) -> list[uuid.UUID]:
        """Ids of the active superusers, in id order, each locked until the unit of work
        ends: concurrent changes that could remove the last one are serialised."""
        ...

    async def search(
        self,
        where: UserFilter,
        *,
        limit: int,
        offset: int = 0,
        after: NewestFirstKey | None = None,
    ) -> list[User]:
        """Matching users, newest first (created_at desc, id desc): skip `offset`, or start
        strictly after the position `after`, and return at most `limit`."""
        ...

    async def count(self, where: UserFilter) -> int:
        """How many users match."""
        ...
