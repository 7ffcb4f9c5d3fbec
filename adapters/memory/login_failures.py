from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from adapters.memory.tables import MemoryTable
from application.ports.login_failures import LoginFailures

# Keyed by attempt id; a key names no account, so the rows outlive any.
LOGIN_FAILURES = MemoryTable("login_failures")


@dataclass(frozen=True, slots=True)
class _Attempt:
    key: str
    at: datetime


class InMemoryLoginFailures(LoginFailures):
    """Attempts by id. The store's lock serialises whole units of work, so `lock` has
    nothing left to do."""

    def __init__(self, rows: dict[Any, Any]) -> None:
        self._rows: dict[uuid.UUID, _Attempt] = rows

    async def lock(self, key: str) -> None:
        return None

    async def failures_since(self, key: str, since: datetime) -> list[datetime]:
        return [a.at for a in self._rows.values() if a.key == key and a.at > since]

    async def add(self, key: str, attempt: uuid.UUID, at: datetime) -> None:
        self._rows[attempt] = _Attempt(key, at)

    async def forgive(self, key: str, attempt: uuid.UUID) -> None:
        found = self._rows.get(attempt)
        if found is not None and found.key == key:
            del self._rows[attempt]

    async def reset(self, key: str) -> None:
        for attempt in [i for i, a in self._rows.items() if a.key == key]:
            del self._rows[attempt]

    async def sweep(self, until: datetime, limit: int) -> int:
        expired = [i for i, a in self._rows.items() if a.at <= until][:limit]
        for attempt in expired:
            del self._rows[attempt]
        return len(expired)
