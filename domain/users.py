"""The user account, and the public profile it carries (bio, avatar)."""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from domain.emails import normalize_email
from domain.errors import PolicyViolation

MAX_NAME_LENGTH = 100
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f"  # C0, DEL and C1, as a regex character range
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
# Running text may break lines and indent; no other control character belongs in it (and
# PostgreSQL cannot even store NUL).
TEXT_CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"  # a regex character range
_CONTROL_IN_TEXT = re.compile(f"[{TEXT_CONTROL_CHARACTERS}]")
MAX_BIO_LENGTH = 2000


def check_name(name: str) -> None:
    """A display name: 1 to 100 characters, not blank, no control characters (C0, DEL, C1)."""
    if not 1 <= len(name) <= MAX_NAME_LENGTH or not name.strip():
        raise PolicyViolation(f"name must be 1 to {MAX_NAME_LENGTH} characters", field="name")
    if _CONTROL.search(name):
        raise PolicyViolation("name must not contain control characters", field="name")


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
    # The public profile. The avatar's bytes live in file storage under `avatar_key`.
    bio: str | None = None
    avatar_key: str | None = None
    avatar_content_type: str | None = None
    avatar_updated_at: datetime | None = None

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
        check_name(name)
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

    def change_details(
        self, now: datetime, *, email: str | None = None, name: str | None = None
    ) -> None:
        """New e-mail and/or name; None keeps the current value."""
        if email is not None:
            self.email = normalize_email(email)
        if name is not None:
            check_name(name)
            self.name = name
        self.updated_at = now

    def set_flags(
        self, now: datetime, *, is_active: bool | None = None, is_superuser: bool | None = None
    ) -> None:
        """Activate/deactivate, promote/demote; None keeps the current value."""
        if is_active is not None:
            self.is_active = is_active
        if is_superuser is not None:
            self.is_superuser = is_superuser
        self.updated_at = now

    @property
    def is_active_superuser(self) -> bool:
        return self.is_active and self.is_superuser

    def set_bio(self, bio: str | None, now: datetime) -> None:
        if bio is not None and len(bio) > MAX_BIO_LENGTH:
            raise PolicyViolation(f"bio must be at most {MAX_BIO_LENGTH} characters", field="bio")
        if bio is not None and _CONTROL_IN_TEXT.search(bio):
            raise PolicyViolation("bio must not contain control characters", field="bio")
        self.bio = bio
        self.updated_at = now

    def replace_avatar(self, key: str, content_type: str, now: datetime) -> str | None:
        """Point at new avatar bytes; returns the key of the old bytes (to be deleted)."""
        old_key = self.avatar_key
        self.avatar_key, self.avatar_content_type = key, content_type
        self.avatar_updated_at = self.updated_at = now
        return old_key

    @property
    def avatar_version(self) -> str | None:
        """Changes whenever the avatar is replaced, so clients can cache by URL. Derived from
        the storage key (new for every upload) without revealing it."""
        if self.avatar_key is None:
            return None
        return hashlib.sha256(self.avatar_key.encode()).hexdigest()[:12]

    def owned_file_keys(self) -> list[str]:
        """Stored bytes that belong to this account and go when it goes."""
        return [self.avatar_key] if self.avatar_key else []
