"""The user account."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.emails import normalize_email

MAX_NAME_LENGTH = 100


@dataclass(slots=True, kw_only=True)
class User:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    email: str
    name: str
    hashed_password: str
    is_active: bool = True
    is_superuser: bool = False
    created_at: datetime
    updated_at: datetime
    # Sessions that began before this instant are dead: a password change ends them all.
    password_changed_at: datetime

    @classmethod
    def register(
        cls,
        *,
        email: str,
        name: str,
        hashed_password: str,
        now: datetime,
        is_active: bool = True,
        is_superuser: bool = False,
    ) -> User:
        return cls(
            email=normalize_email(email),
            name=name,
            hashed_password=hashed_password,
            is_active=is_active,
            is_superuser=is_superuser,
            created_at=now,
            updated_at=now,
            password_changed_at=now,
        )

    def change_password(self, hashed_password: str, now: datetime) -> None:
        self.hashed_password = hashed_password
        self.password_changed_at = now
        self.updated_at = now

    def rehash_password(self, hashed_password: str) -> None:
        """Same password, stronger parameters: existing sessions stay valid."""
        self.hashed_password = hashed_password

    def touch(self, now: datetime) -> None:
        self.updated_at = now
