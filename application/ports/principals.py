from __future__ import annotations

import uuid
from typing import Protocol

from domain.users import User


class PrincipalLookup(Protocol):
    """The per-request check behind every authenticated call, in one read.

    Returns the user only when the user exists, is active, the login session exists, is not
    revoked, has not expired and began after the user's last password change; otherwise None.
    """

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None: ...
