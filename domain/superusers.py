"""The service is never left without an active superuser."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from domain.errors import LastSuperuser
from domain.users import User


def ensure_superuser_remains(
    active_superusers: Collection[uuid.UUID], user_id: uuid.UUID, after: User | None
) -> None:
    """Raise LastSuperuser when changing `user_id` into `after` (None: deleting it) would
    leave no active superuser.

    `active_superusers` are the ids of the active superusers before the change, read under
    locks that keep them from changing until the transaction ends. A change that removes no
    superuser is never refused, even when there was none to begin with.
    """
    if user_id not in active_superusers:
        return
    if after is not None and after.is_active_superuser:
        return
    if not set(active_superusers) - {user_id}:
        raise LastSuperuser()
