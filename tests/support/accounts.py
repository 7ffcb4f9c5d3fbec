"""User entities built directly, for rules and use cases tested without HTTP."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from application.auth.registration import NewAccount
from domain.users import User
from tests.support.api import PASSWORD

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make_user(*, is_superuser: bool = False, is_active: bool = True, **fields: object) -> User:
    values: dict[str, object] = {
        "email": f"{uuid.uuid4().hex[:8]}@example.com",
        "name": "Ann",
        "hashed_password": "x",
        "created_at": NOW,
        "updated_at": NOW,
        "password_changed_at": NOW,
    }
    values.update(fields)
    return User(is_superuser=is_superuser, is_active=is_active, **values)  # type: ignore[arg-type]


async def register_superuser(container: Any, email: str = "root@example.com") -> User:
    """An active superuser, made through the container's RegisterUser."""
    account = NewAccount(email=email, name="Root", password=PASSWORD, is_superuser=True)
    return await container.auth.register_user()(account)
