from __future__ import annotations

import uuid
from typing import Protocol

from domain.users import User


class UserRepository(Protocol):
    """User accounts; part of a unit of work. E-mails are unique (EmailTaken otherwise)."""

    async def add(self, user: User) -> None:
        """Insert a new user; raises EmailTaken when the e-mail is in use."""
        ...

    async def get(self, user_id: uuid.UUID) -> User | None: ...

    async def get_by_email(self, email: str) -> User | None:
        """Look up by normalised e-mail."""
        ...

    async def update(self, user: User) -> None:
        """Write back every field of `user`; raises EmailTaken when the new e-mail is in use."""
        ...
