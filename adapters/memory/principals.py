from __future__ import annotations

import uuid
from dataclasses import replace

from adapters.memory.store import InMemoryStore
from application.ports import Clock, PrincipalLookup
from domain.sessions import grants_access
from domain.users import User


class InMemoryPrincipalLookup(PrincipalLookup):
    """Reads the committed state of an InMemoryStore."""

    def __init__(self, store: InMemoryStore, clock: Clock) -> None:
        self._store, self._clock = store, clock

    async def find(self, user_id: uuid.UUID, session_id: uuid.UUID) -> User | None:
        session = self._store.table("sessions").get(session_id)
        user = self._store.table("users").get(user_id)
        if session is None or user is None or not grants_access(session, user, self._clock.now()):
            return None
        found: User = replace(user)
        return found
